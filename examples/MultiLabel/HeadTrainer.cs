using System.Diagnostics;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Reporting;

namespace MiniNet.Examples.MultiLabel;

/// <summary>The network and the training recipe, the same for both heads.</summary>
internal sealed record TrainingSettings(int[] Hidden, int Epochs, int BatchSize, double Lr, ulong Seed);

/// <summary>A rule that turns the test logits [samples × attributes] into yes/no predictions.</summary>
internal delegate bool[,] DecisionRule(ReadOnlySpan<float> logits);

/// <summary>One head after training: its model, its final test logits, and what it recorded after each epoch.</summary>
internal sealed class TrainedHead(string name, Sequential model, int ruleCount)
{
    public string Name { get; } = name;

    public Sequential Model { get; } = model;

    /// <summary>The mean training loss of each epoch (over its samples, as the weights moved).</summary>
    public List<double> TrainLoss { get; } = [];

    /// <summary>The test loss after each epoch.</summary>
    public List<double> TestLoss { get; } = [];

    /// <summary>The test micro-F1 after each epoch, under each decision rule (in the order they were given).</summary>
    public List<double>[] TestMicroF1 { get; } = Enumerable.Range(0, ruleCount).Select(_ => new List<double>()).ToArray();

    /// <summary>The logits of the test set after the last epoch, [samples × attributes] row-major.</summary>
    public float[] TestLogits { get; set; } = [];

    /// <summary>The time spent training and evaluating.</summary>
    public TimeSpan Elapsed { get; set; }
}

/// <summary>
/// Trains one MLP with a given loss on the multi-hot attribute targets and scores it on the test set after every
/// epoch. Both heads go through here with the same seed, so they start from the same weights and see the same batches.
/// </summary>
internal static class HeadTrainer
{
    private const int EvaluationBatch = 1000;

    /// <param name="name">The head's name, for the progress lines.</param>
    /// <param name="loss">The loss of a batch: (logits, multi-hot targets) ↦ scalar.</param>
    /// <param name="rules">The decision rules to score after each epoch; the first one is shown on the progress line.</param>
    /// <param name="countCorrect">
    /// (logits, multi-hot targets) ↦ the batch's images with every attribute right, for the progress line's accuracy
    /// (from the step's own logits), or null for none.
    /// </param>
    public static TrainedHead Train(string name, Func<Tensor, Tensor, Tensor> loss, IReadOnlyList<DecisionRule> rules, Func<Tensor, Tensor, int>? countCorrect,
        LabeledDataset train, LabeledDataset test, bool[,] testTargets, TrainingSettings settings, ProgressBar progress)
    {
        var clock = Stopwatch.StartNew();
        var attributes = ClothingAttributes.ForClasses();
        var random = new Generator(settings.Seed);
        var model = BuildModel(train.FeatureCount, settings.Hidden, ClothingAttributes.Count, random);
        var optimizer = new Adam(model.Parameters(), lr: settings.Lr);
        var loader = new DataLoader(train, settings.BatchSize, shuffle: true, generator: random);
        var testMultiHot = Targets.MultiHot(test.GetLabels(), attributes);
        var result = new TrainedHead(name, model, rules.Count);

        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            progress.Start($"{name} epoch {epoch}/{settings.Epochs}", loader.BatchCount);
            foreach (var batch in loader)
            {
                var (batchLogits, targets) = (model.Forward(batch.Features), batch.MultiHot(attributes));
                var batchLoss = loss(batchLogits, targets);
                optimizer.ZeroGrad();
                batchLoss.Backward();
                optimizer.Step();
                if (countCorrect is null) progress.Step(batch.Size, batchLoss.Item());
                else progress.Step(batch.Size, batchLoss.Item(), countCorrect(batchLogits, targets));
            }
            result.TrainLoss.Add(progress.Loss);

            var logits = Logits(model, test);
            using (Tape.NoGrad())
                result.TestLoss.Add(loss(Tensor.FromArray(logits, [test.Count, ClothingAttributes.Count]), testMultiHot).Item());
            for (int r = 0; r < rules.Count; r++)
                result.TestMicroF1[r].Add(new MultiLabelMetrics(rules[r](logits), testTargets).MicroF1);
            result.TestLogits = logits;
            progress.Finish($"test loss {result.TestLoss[^1]:0.0000}  test micro-F1 {result.TestMicroF1[0][^1]:0.0000}");
        }
        result.Elapsed = clock.Elapsed;
        return result;
    }

    /// <summary>Dense → ReLU for each hidden size, then a Dense layer with one logit per attribute; weights drawn from <paramref name="random"/>.</summary>
    public static Sequential BuildModel(int inputs, int[] hidden, int outputs, Generator random)
    {
        var model = new Sequential();
        int width = inputs;
        foreach (int size in hidden)
        {
            model.Add(new Dense(width, size, generator: random)).Add(new ReLU());
            width = size;
        }
        return model.Add(new Dense(width, outputs, generator: random));
    }

    /// <summary>The model's logits for every sample of <paramref name="data"/>, in order, in evaluation mode without a tape.</summary>
    public static float[] Logits(Module model, LabeledDataset data)
    {
        var logits = new float[data.Count * ClothingAttributes.Count];
        model.Eval();
        using (Tape.NoGrad())
        {
            int offset = 0;
            foreach (var batch in new DataLoader(data, EvaluationBatch))
            {
                var output = model.Forward(batch.Features).AsReadOnlySpan<float>();
                output.CopyTo(logits.AsSpan(offset));
                offset += output.Length;
            }
        }
        model.Train();
        return logits;
    }
}
