using System.Diagnostics;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Reporting;

namespace MiniNet.Examples.FashionMnist;

/// <summary>Loss and accuracy of a model over a data set, and each sample's predicted class.</summary>
internal sealed record Evaluation(double Loss, double Accuracy, int[] Predictions);

/// <summary>The pieces of the training loop: the model, the optimiser and its schedule, one epoch, one evaluation.</summary>
internal static class Training
{
    private const int EvaluationBatchSize = 1000; // no gradients are kept, so big batches only make the products more efficient

    /// <summary>The network <c>--model</c> names, for the images of <paramref name="data"/>: see <see cref="BuildMlp"/> and <see cref="Cnn"/>.</summary>
    public static Sequential BuildModel(FashionMnistOptions options, LabeledDataset data, Generator initialisation, Generator dropoutMasks) =>
        options.Model == "cnn"
            ? Cnn.Build(data.SampleShape[^1], data.ClassCount, initialisation)
            : BuildMlp(data.FeatureCount, options.Hidden, data.ClassCount, options.Dropout, initialisation, dropoutMasks);

    /// <summary>What the model takes: the flat rows for the MLP, one-channel images [1, 28, 28] for the CNN.</summary>
    public static IDataset Inputs(FashionMnistOptions options, LabeledDataset data) => options.Model == "cnn" ? new Images(data) : data;

    /// <summary>
    /// The MLP: Dense → ReLU → Dropout for each hidden size, then Dense to the class logits. The Dropout layers are there
    /// even with p = 0, so that the parameter names (0.weight, 3.weight, …) depend on the hidden sizes alone.
    /// </summary>
    public static Sequential BuildMlp(int inputCount, int[] hidden, int classCount, double dropout, Generator initialisation, Generator dropoutMasks)
    {
        var model = new Sequential();
        int width = inputCount;
        foreach (int size in hidden)
        {
            model.Add(new Dense(width, size, generator: initialisation)).Add(new ReLU()).Add(new Dropout(dropout, generator: dropoutMasks));
            width = size;
        }
        return model.Add(new Dense(width, classCount, generator: initialisation));
    }

    public static Optimizer BuildOptimizer(FashionMnistOptions options, Module model) => options.Optimizer switch
    {
        "sgd" => new Sgd(model.Parameters(), options.Lr, momentum: options.Momentum, weightDecay: options.WeightDecay),
        "adam" => new Adam(model.Parameters(), options.Lr, weightDecay: options.WeightDecay),
        _ => new AdamW(model.Parameters(), options.Lr, weightDecay: options.WeightDecay),
    };

    /// <summary>
    /// The learning-rate schedule, stepped after every batch, or null for a constant rate: with <c>cosine</c>, half a
    /// cosine from the optimiser's learning rate down to 0 after the last batch (PyTorch's <c>CosineAnnealingLR</c>
    /// with <c>T_max</c> = all the batches of all the epochs).
    /// </summary>
    public static LrScheduler? BuildSchedule(FashionMnistOptions options, Optimizer optimizer, int batchesPerEpoch) =>
        options.Schedule == "cosine" ? new CosineAnnealingLr(optimizer, tMax: options.Epochs * batchesPerEpoch) : null;

    /// <summary>One pass over <paramref name="loader"/>: forward, loss, backward, step for each batch, with live progress.</summary>
    public static void TrainEpoch(Sequential model, SoftmaxHead head, Optimizer optimizer, LrScheduler? schedule,
        DataLoader loader, ProgressBar progress, string label, StepTimes times)
    {
        model.Train();
        progress.Start(label, loader.BatchCount);
        var arena = new StepArena(); // each step reuses the last one's tensors: the epoch's steps allocate nothing
        foreach (var batch in loader)
        {
            using var step = arena.Step();
            long start = Stopwatch.GetTimestamp();
            var logits = model.Forward(batch.Features);
            var loss = head.Loss(logits, batch.Labels);
            long forward = Stopwatch.GetTimestamp();
            optimizer.ZeroGrad();
            loss.Backward();
            long backward = Stopwatch.GetTimestamp();
            optimizer.Step();
            schedule?.Step();
            long stepped = Stopwatch.GetTimestamp();
            times.Add(forward - start, backward - forward, stepped - backward);
            progress.Step(batch.Size, loss.Item(), head.CountCorrect(logits, batch.Labels)); // from this step's logits: no second pass
        }
    }

    /// <summary>The mean cross-entropy (without label smoothing) and the accuracy over <paramref name="data"/>, in evaluation mode (left on: training switches it off).</summary>
    public static Evaluation Evaluate(Sequential model, IDataset data)
    {
        model.Eval();
        using var noGrad = Tape.NoGrad();
        var predictions = new int[data.Count];
        double lossSum = 0;
        int correct = 0, offset = 0;
        var arena = new StepArena(); // as in training: a batch reuses the last one's activations (the CNN's are 100 MB at batch 1000)
        foreach (var batch in new DataLoader(data, EvaluationBatchSize))
        {
            using var step = arena.Step();
            var logits = model.Forward(batch.Features);
            lossSum += Losses.SoftmaxCrossEntropy(logits, batch.Labels, reduction: Reduction.Sum).Item();
            var predicted = logits.ArgMax(1);
            predicted.CopyTo(predictions, offset);
            correct += CountCorrect(predicted, batch.Labels);
            offset += batch.Size;
        }
        return new Evaluation(lossSum / data.Count, (double)correct / data.Count, predictions);
    }

    private static int CountCorrect(int[] predicted, int[] labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
            if (predicted[i] == labels[i]) correct++;
        return correct;
    }
}

/// <summary>Where the training step's time goes: forward with the loss, backward, and the optimiser's step.</summary>
internal sealed class StepTimes
{
    private long _forward, _backward, _step;

    public void Add(long forward, long backward, long step)
    {
        _forward += forward;
        _backward += backward;
        _step += step;
    }

    public TimeSpan Forward => FromTicks(_forward);
    public TimeSpan Backward => FromTicks(_backward);
    public TimeSpan Step => FromTicks(_step);

    private static TimeSpan FromTicks(long stopwatchTicks) => TimeSpan.FromSeconds((double)stopwatchTicks / Stopwatch.Frequency);
}
