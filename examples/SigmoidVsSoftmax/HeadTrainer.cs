using System.Diagnostics;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Reporting;

namespace MiniNet.Examples.SigmoidVsSoftmax;

/// <summary>What one epoch of one head measured.</summary>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="TestAccuracy">The share of test images whose argmax output is their label, after the epoch.</param>
/// <param name="LogitGradientNorm">‖∂L/∂z‖₂, the batch loss's gradient at the logits, as the training monitor measured it, averaged over the epoch's batches.</param>
/// <param name="SaturatedWrong">The share of training outputs saturated on the wrong side of their target (the monitor's head figure), averaged over the epoch's batches.</param>
/// <param name="Seconds">The time the epoch took, evaluation included.</param>
internal sealed record EpochResult(int Epoch, double TestAccuracy, double LogitGradientNorm, double SaturatedWrong, double Seconds);

/// <summary>The test images as one tensor, and their labels.</summary>
internal sealed record TestSet(Tensor Images, int[] Labels);

/// <summary>
/// Trains one network with one head: the same architecture, initial weights (from the seed), batch order and
/// optimiser for every head, so the head is the only difference. A <see cref="TrainingMonitor"/> measures every batch.
/// </summary>
internal sealed class HeadTrainer
{
    private readonly ComparedHead _head;
    private readonly string _label;
    private readonly ExperimentOptions _options;
    private readonly Sequential _model;
    private readonly Optimizer _optimizer;
    private readonly DataLoader _loader;
    private readonly TestSet _test;
    private readonly TrainingMonitor _monitor;
    private readonly string _logitsLayer;

    /// <summary>A trainer whose progress is labelled <paramref name="label"/>; <paramref name="outputScale"/> as in <see cref="BuildModel"/>.</summary>
    public HeadTrainer(ComparedHead head, string label, ExperimentOptions options, double outputScale, LabeledDataset train, TestSet test)
    {
        _head = head;
        _label = label;
        _options = options;
        _model = BuildModel(train.FeatureCount, options.Hidden, train.ClassCount, outputScale, options.Seed,
            sigmoidLayer: head == ComparedHead.SigmoidSquaredError);
        // Every batch, as the table reports per epoch; the explanations are printed after the run (Explanations).
        _monitor = TrainingMonitor.Attach(_model, new TrainingMonitorOptions { Every = 1, Output = TextWriter.Null });
        _logitsLayer = (options.Hidden.Length * 2).ToString(System.Globalization.CultureInfo.InvariantCulture); // the last Dense
        _optimizer = options.Optimizer == "adam"
            ? new Adam(_model.Parameters(), lr: options.Lr)
            : new Sgd(_model.Parameters(), lr: options.Lr);
        // The last partial batch is dropped: with plain SGD, a step on a few leftover images at the learning rate
        // meant for a full batch jolts every model at once (on the shipped subset, 16 images ended each epoch).
        _loader = new DataLoader(train, options.BatchSize, shuffle: true, generator: new Generator(options.Seed + 1), dropLast: true);
        _test = test;
    }

    /// <summary>
    /// inputs → hidden (ReLU) … → classes logits, every layer drawn from one generator seeded with
    /// <paramref name="seed"/>, each from PyTorch's U(±1/√in) except the output layer, whose weights and
    /// bias are drawn from U(±<paramref name="outputScale"/>/√in): with a scale of 1 the default, larger to
    /// start with large logits (outputs saturated from the first step). With <paramref name="sigmoidLayer"/> a
    /// <see cref="Sigmoid"/> layer follows, for squared error on its outputs.
    /// </summary>
    public static Sequential BuildModel(int inputs, int[] hidden, int classes, double outputScale, ulong seed, bool sigmoidLayer = false)
    {
        var generator = new Generator(seed);
        var model = new Sequential();
        int width = inputs;
        foreach (int size in hidden)
        {
            model.Add(new Dense(width, size, generator: generator)).Add(new ReLU());
            width = size;
        }
        double bound = outputScale / Math.Sqrt(width);
        Initializer scaled = (parameter, random) => Init.Uniform(parameter, random, -bound, bound);
        model.Add(new Dense(width, classes, generator: generator, weightInit: scaled, biasInit: scaled));
        return sigmoidLayer ? model.Add(new Sigmoid()) : model;
    }

    /// <summary>What the monitor explained during this trainer's run, each finding once.</summary>
    public IReadOnlyList<string> Explanations => _monitor.Explanations;

    /// <summary>
    /// Epoch 0: the same measurements as <see cref="RunEpoch"/> on the untrained network — one pass over the
    /// training batches with backward but no step (in order, without shuffling), then the test accuracy.
    /// </summary>
    public EpochResult MeasureUntrained()
    {
        var clock = Stopwatch.StartNew();
        long firstStep = _monitor.Steps + 1;
        _model.Train();
        foreach (var batch in new DataLoader(_loader.Dataset, _options.BatchSize)) ForwardBackward(batch);
        _optimizer.ZeroGrad();
        var (gradient, saturated) = Measured(firstStep);
        return new EpochResult(0, TestAccuracy(), gradient, saturated, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Runs one epoch of training, then evaluates on the test set.</summary>
    public EpochResult RunEpoch(int epoch, ProgressBar? progress)
    {
        var clock = Stopwatch.StartNew();
        long firstStep = _monitor.Steps + 1;
        _model.Train();
        if (progress is not null) progress.Monitor = _monitor;
        progress?.Start($"{_label} epoch {epoch}/{_options.Epochs}", _loader.BatchCount);
        foreach (var batch in _loader)
        {
            _optimizer.ZeroGrad();
            var (loss, logits) = ForwardBackward(batch);
            _optimizer.Step();
            progress?.Step(batch.Size, loss, Correct(logits.ArgMax(-1), batch.Labels));
        }
        double accuracy = TestAccuracy();
        var (gradient, saturated) = Measured(firstStep);
        var result = new EpochResult(epoch, accuracy, gradient, saturated, clock.Elapsed.TotalSeconds);
        progress?.Finish($"test acc {accuracy:0.0000}");
        return result;
    }

    /// <summary>The share of test images whose largest logit is their label (σ is increasing, so this is the argmax of the probabilities too).</summary>
    public double TestAccuracy()
    {
        _model.Eval();
        using (Tape.NoGrad())
            return (double)Correct(Logits(_test.Images).ArgMax(-1), _test.Labels) / _test.Labels.Length;
    }

    /// <summary>The logits of the first <paramref name="count"/> test images, without recording.</summary>
    public Tensor TestLogits(int count)
    {
        _model.Eval();
        using (Tape.NoGrad())
            return Logits(_test.Images.Narrow(0, 0, count));
    }

    /// <summary>
    /// The logits z of <paramref name="images"/>: the model's output, without the final Sigmoid layer of (c) — σ(z) rounds
    /// to exactly 1 in float32 above z ≈ 17, where its argmax would no longer tell two large logits apart.
    /// </summary>
    private Tensor Logits(Tensor images)
    {
        int layers = _head == ComparedHead.SigmoidSquaredError ? _model.Count - 1 : _model.Count;
        var x = images;
        for (int i = 0; i < layers; i++) x = _model[i].Call(x);
        return x;
    }

    /// <summary>Forward, loss and backward on one batch; returns the batch loss and the model's output.</summary>
    private (double Loss, Tensor Output) ForwardBackward(Batch batch)
    {
        var output = _model.Forward(batch.Features);
        var loss = ComparedHeads.Loss(_head, output, batch);
        loss.Backward();
        return (loss.Item(), output);
    }

    /// <summary>
    /// The monitor's figures from step <paramref name="firstStep"/> on, averaged: the gradient at the logits (the last
    /// Dense layer's output; for squared error, the Sigmoid layer's input) and the head's share saturated on the wrong side.
    /// </summary>
    private (double LogitGradientNorm, double SaturatedWrong) Measured(long firstStep)
    {
        double gradients = 0, saturated = 0;
        int steps = 0, heads = 0;
        foreach (var record in _monitor.Records)
        {
            if (record.Step < firstStep) continue;
            if (_head == ComparedHead.SigmoidSquaredError ? record.Kind == "Sigmoid" : record.Layer == _logitsLayer)
            {
                gradients += _head == ComparedHead.SigmoidSquaredError ? record.InputGradientNorm : record.OutputGradientNorm;
                steps++;
            }
        }
        foreach (var head in _monitor.HeadRecords)
            if (head.Step >= firstStep) (saturated, heads) = (saturated + head.SaturatedWrongShare, heads + 1);
        return (gradients / steps, saturated / heads);
    }

    private static int Correct(int[] predicted, ReadOnlySpan<int> labels)
    {
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++)
            if (predicted[i] == labels[i]) correct++;
        return correct;
    }
}
