using System.Diagnostics;
using System.Globalization;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Reporting;
using MiniNet.Serialization;
using FashionMnistSet = MiniNet.Data.FashionMnist; // the class, not this example's namespace

namespace MiniNet.Examples.FashionMnist;

/// <summary>
/// Example 1: an MLP (or, with --model cnn, the benchmark's CNN) with the softmax head trained on Fashion-MNIST (the shipped 10,000/2,000 subset by default),
/// with a live progress bar, per-epoch train and test figures, SVG plots, a confusion matrix, and a last line
/// <c>test accuracy: 0.XXXX</c>. <c>--help</c> lists the options.
/// </summary>
public static class FashionMnistExample
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Runs the example with <paramref name="args"/>, writing the report to <paramref name="output"/> and errors
    /// to <paramref name="errors"/> (standard error by default). Returns the exit code: 0, 1 for bad data or files,
    /// 2 for bad options.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter? errors = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        errors ??= Console.Error;
        FashionMnistOptions options;
        try
        {
            options = FashionMnistOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            errors.WriteLine($"error: {e.Message}");
            return 2;
        }
        if (options.Help)
        {
            output.WriteLine(FashionMnistOptions.Usage);
            return 0;
        }
        try
        {
            if (options.LoadPath is null) Train(options, output);
            else EvaluateSaved(options, output);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            errors.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static void Train(FashionMnistOptions options, TextWriter output)
    {
        var random = new Generator(options.Seed);
        Generator initialisation = random.Fork(), dropoutMasks = random.Fork(), shuffles = random.Fork(), split = random.Fork();
        var (train, validation, test, normalization) = PrepareData(options, split, output);

        var model = Training.BuildModel(options, train, initialisation, dropoutMasks);
        var loader = new DataLoader(Training.Inputs(options, train), options.BatchSize, shuffle: true, generator: shuffles);
        var optimizer = Training.BuildOptimizer(options, model);
        var schedule = Training.BuildSchedule(options, optimizer, loader.BatchCount);
        var head = new SoftmaxHead(labelSmoothing: options.LabelSmoothing);
        string architecture = ModelName(options, train);
        output.WriteLine($"model: {architecture}, ReLU{(options.Dropout > 0 ? $", dropout {Number(options.Dropout)}" : "")}, {Count(model.ParameterCount())} parameters");
        output.WriteLine($"training: {Describe(options)}, {Plural(options.Epochs, "epoch", "epochs")} of {Plural(loader.BatchCount, "batch", "batches")}");

        int firstEpoch = StartCheckpoints(options, model, optimizer, schedule, [shuffles, dropoutMasks], output);

        string evaluatedName = validation is null ? "test" : "validation";
        var history = new History(evaluatedName, firstEpoch);
        var progress = IsConsole(output) ? new ProgressBar() : new ProgressBar(output, isTerminal: false);
        // --monitor: per-layer telemetry, its status on the progress bar, its findings after each epoch, its table at the end.
        using var monitor = options.Monitor ? TrainingMonitor.Attach(model, new TrainingMonitorOptions { Output = TextWriter.Null }) : null;
        progress.Monitor = monitor;
        int explained = 0;
        var times = new StepTimes();
        TimeSpan trainingTime = TimeSpan.Zero, evaluationTime = TimeSpan.Zero;
        for (int epoch = firstEpoch; epoch <= options.Epochs; epoch++)
        {
            long start = Stopwatch.GetTimestamp();
            Training.TrainEpoch(model, head, optimizer, schedule, loader, progress, $"epoch {epoch}/{options.Epochs}", times);
            trainingTime += Stopwatch.GetElapsedTime(start);
            progress.Finish();
            for (var findings = monitor?.Explanations ?? []; explained < findings.Count; explained++) output.WriteLine($"  monitor: {findings[explained]}");

            start = Stopwatch.GetTimestamp();
            var onTrain = Training.Evaluate(model, Training.Inputs(options, train));
            var onEvaluated = Training.Evaluate(model, Training.Inputs(options, validation ?? test));
            evaluationTime += Stopwatch.GetElapsedTime(start);
            history.Add(onTrain, onEvaluated);
            output.WriteLine($"  train loss {onTrain.Loss:0.0000} acc {onTrain.Accuracy:0.0000} | {evaluatedName} loss {onEvaluated.Loss:0.0000} acc {onEvaluated.Accuracy:0.0000}");
            if (options.CheckpointDirectory is not null)
                Checkpoint.Save(new TrainingCheckpoints(options.CheckpointDirectory).PathOf(epoch), model, optimizer, schedule, epoch, shuffles, dropoutMasks);
        }
        int epochsRun = options.Epochs - firstEpoch + 1;
        if (epochsRun > 0)
            output.WriteLine($"training took {Seconds(trainingTime)} ({Seconds(trainingTime / epochsRun)} per epoch; forward {Share(times.Forward, trainingTime)}, " +
                $"backward {Share(times.Backward, trainingTime)}, optimiser {Share(times.Step, trainingTime)}, the rest batching); evaluation took {Seconds(evaluationTime)}");
        output.WriteLine($"weights fingerprint: {WeightsFingerprint.Of(model)} (the same on every CPU for the same options and seed)");
        if (monitor is { Records.Count: > 0 })
            output.Write($"training monitor (one step in {monitor.Options.Every} measured, of {monitor.Steps}): " + monitor.Table());

        if (options.SavePath is not null)
        {
            model.Save(options.SavePath, normalization.ToMetadata(options));
            output.WriteLine($"saved the model to {Path.GetFullPath(options.SavePath)}");
        }
        Directory.CreateDirectory(options.PlotsDirectory);
        if (history.Last is not null) // a run resumed after its last epoch trains nothing and has no curves
        {
            string curves = Path.Combine(options.PlotsDirectory, "training.svg");
            history.ToFigure($"{DataSetName(options)}, {architecture}, {Count(train.Count)} training images").Save(curves);
            output.WriteLine($"wrote {Path.GetFullPath(curves)} (loss and accuracy per epoch{(firstEpoch > 1 ? $", from epoch {firstEpoch}" : "")})");
        }
        ReportTest(validation is null && history.Last is { } evaluated ? evaluated : Training.Evaluate(model, Training.Inputs(options, test)), test, options, output);
    }

    /// <summary>
    /// With --checkpoint, says where the checkpoints go and, with --resume, restores the latest one into the freshly built
    /// run; returns the first epoch left to train (1 for a fresh run).
    /// </summary>
    private static int StartCheckpoints(FashionMnistOptions options, Module model, Optim.Optimizer optimizer, Optim.LrScheduler? schedule,
        Generator[] generators, TextWriter output)
    {
        if (options.CheckpointDirectory is not { } directory) return 1;
        var checkpoints = new TrainingCheckpoints(directory);
        int done = 0;
        if (options.Resume)
        {
            var (path, epoch) = checkpoints.Latest(options);
            if (epoch > options.Epochs)
                throw new InvalidDataException($"--resume: the latest checkpoint, '{path}', is from epoch {epoch}, beyond --epochs {options.Epochs}.");
            done = Checkpoint.Load(path, model, optimizer, schedule, generators);
            output.WriteLine($"resumed from {Path.GetFullPath(path)}: {Plural(done, "epoch", "epochs")} of {options.Epochs} done");
        }
        else checkpoints.Start(options);
        output.WriteLine($"checkpoints: {Path.Combine(Path.GetFullPath(directory), "epoch-N.safetensors")} after every epoch");
        return done + 1;
    }

    /// <summary>Loads the images, holds out the validation share, and standardises every part with the training part's statistics.</summary>
    private static (LabeledDataset Train, LabeledDataset? Validation, LabeledDataset Test, Normalization Normalization) PrepareData(
        FashionMnistOptions options, Generator split, TextWriter output)
    {
        LabeledDataset train = Load(options, train: true), test = Load(options, train: false);
        LabeledDataset? validation = null;
        if (options.Validation > 0)
        {
            var parts = train.RandomSplit([1 - options.Validation, options.Validation], split);
            if (parts[0].Count == 0 || parts[1].Count == 0)
                throw new InvalidDataException(
                    $"--validation {Number(options.Validation)} splits the {Count(train.Count)} training images into {Count(parts[0].Count)} to train on and {Count(parts[1].Count)} to validate on; both need some.");
            (train, validation) = (parts[0], parts[1]);
        }
        output.WriteLine($"{DataSetName(options)}: {Count(train.Count)} training{(validation is null ? "" : $", {Count(validation.Count)} validation")} and {Count(test.Count)} test images from {Source(options)}");
        if (!options.Normalize)
        {
            output.WriteLine("inputs: pixels / 255");
            return (train, validation, test, Normalization.None);
        }
        var (mean, std) = train.FeatureMeanAndStd();
        var normalization = new Normalization((float)mean, (float)std);
        output.WriteLine($"inputs: pixels / 255, standardised with the training images' mean {mean:0.0000} and std {std:0.0000}");
        return (normalization.Apply(train), validation is null ? null : normalization.Apply(validation), normalization.Apply(test), normalization);
    }

    private static void EvaluateSaved(FashionMnistOptions options, TextWriter output)
    {
        var test = Load(options, train: false);
        output.WriteLine($"{DataSetName(options)}: {Count(test.Count)} test images from {Source(options)}");
        var model = Training.BuildModel(options, test, new Generator(0), new Generator(0));
        var metadata = model.Load(options.LoadPath!);
        output.WriteLine($"model: {ModelName(options, test)} loaded from {Path.GetFullPath(options.LoadPath!)}");
        var normalization = Normalization.FromMetadata(metadata, options.LoadPath!);
        test = normalization.Apply(test);
        output.WriteLine(normalization.IsNone
            ? "inputs: pixels / 255 (the file records no standardisation)"
            : $"inputs: pixels / 255, standardised with the mean {normalization.Mean:0.0000} and std {normalization.Std:0.0000} recorded in the file");
        Directory.CreateDirectory(options.PlotsDirectory);
        ReportTest(Training.Evaluate(model, Training.Inputs(options, test)), test, options, output);
    }

    /// <summary>The confusion matrix (printed and drawn), then the last line: the test accuracy.</summary>
    private static void ReportTest(Evaluation result, LabeledDataset test, FashionMnistOptions options, TextWriter output)
    {
        var classNames = options.Digits ? null : FashionMnistSet.ClassNames; // null: the matrix names the classes 0, 1, …
        var matrix = new ConfusionMatrix(result.Predictions, test.GetLabels(), test.ClassCount, classNames);
        string heatMap = Path.Combine(options.PlotsDirectory, "confusion.svg");
        matrix.SaveSvg(heatMap, $"{DataSetName(options)} test set: {Count(test.Count)} images, accuracy {result.Accuracy:0.0000}");
        output.WriteLine($"wrote {Path.GetFullPath(heatMap)} (confusion matrix)");
        output.WriteLine();
        output.WriteLine($"confusion matrix on the {Count(test.Count)} test images (rows: true class, columns: predicted class):");
        output.WriteLine(matrix.FormatMatrix());
        output.WriteLine(matrix.FormatReport());
        output.WriteLine($"test loss: {result.Loss:0.0000}");
        output.WriteLine($"test accuracy: {result.Accuracy:0.0000}");
    }

    /// <summary>The training (<paramref name="train"/>) or test images, the first N or N/5 of them with <c>--limit N</c>.</summary>
    private static LabeledDataset Load(FashionMnistOptions options, bool train)
    {
        var data = FashionMnistSet.Load(DataDirectory(options), train);
        return options.Limit is int limit ? data.Take(train ? limit : limit / 5) : data;
    }

    private static string DataDirectory(FashionMnistOptions options)
    {
        string directory = options.DataDirectory ?? ExamplePaths.ShippedData();
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"--data: the folder '{directory}' does not exist.");
        return directory;
    }

    private static string Source(FashionMnistOptions options) =>
        Path.GetFullPath(DataDirectory(options)) + (options.DataDirectory is null ? " (the shipped subset)" : "");

    private static string DataSetName(FashionMnistOptions options) => options.Digits ? "MNIST" : "Fashion-MNIST";

    private static string Describe(FashionMnistOptions options)
    {
        string optimizer = options.Optimizer switch
        {
            "sgd" => $"SGD (lr {Number(options.Lr)}, momentum {Number(options.Momentum)}",
            "adam" => $"Adam (lr {Number(options.Lr)}",
            _ => $"AdamW (lr {Number(options.Lr)}",
        };
        optimizer += options.WeightDecay > 0 ? $", weight decay {Number(options.WeightDecay)})" : ")";
        string schedule = options.Schedule == "cosine" ? "cosine decay to 0" : "constant learning rate";
        string smoothing = options.LabelSmoothing > 0 ? $", label smoothing {Number(options.LabelSmoothing)}" : "";
        return $"{optimizer}, {schedule}, batch {options.BatchSize}{smoothing}, seed {options.Seed}";
    }

    /// <summary>"784-512-256-10 MLP" for the MLP (its layer widths), the layers for the CNN.</summary>
    private static string ModelName(FashionMnistOptions options, LabeledDataset data) => options.Model == "cnn"
        ? Cnn.Description
        : string.Join("-", [data.FeatureCount, .. options.Hidden, data.ClassCount]) + " MLP";

    private static bool IsConsole(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    private static string Count(long value) => value.ToString("N0", Invariant);

    private static string Plural(int count, string one, string many) => $"{Count(count)} {(count == 1 ? one : many)}";

    private static string Number(double value) => value.ToString("G", Invariant);

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.0", Invariant) + " s";

    private static string Share(TimeSpan part, TimeSpan whole) => (part / whole).ToString("0%", Invariant);
}
