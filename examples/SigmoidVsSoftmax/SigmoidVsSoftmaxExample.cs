using System.Diagnostics;
using System.Globalization;
using MiniNet.Data;
using MiniNet.Reporting;

namespace MiniNet.Examples.SigmoidVsSoftmax;

/// <summary>
/// The experiment behind the choice of output head: the same network, data, seed, optimiser and epochs,
/// ending in (a) softmax + cross-entropy, (b) ten sigmoids + binary cross-entropy, (c) ten sigmoids + squared
/// error — once from PyTorch's standard initialisation and once from a saturated start (large output
/// weights). Prints a table per epoch (test accuracy, gradient reaching the logits, outputs saturated on the
/// wrong side), writes an SVG of the same, shows softmax and sigmoid rows of the same logits and the binary
/// case where the two heads agree, and ends with the line <c>softmax test accuracy: 0.XXXX</c> (the softmax
/// head from the standard start).
/// </summary>
public static class SigmoidVsSoftmaxExample
{
    private const float FashionMnistMean = 0.2860f, FashionMnistStd = 0.3530f; // of the 60,000 training images
    private const int DemonstrationRows = 3;

    private sealed record StartingPoint(string Name, string Description, double OutputScale);

    /// <summary>Runs the experiment with command-line <paramref name="args"/>, printing to <paramref name="output"/>.</summary>
    /// <returns>0 on success; 2 for bad options, with the message and the usage on <paramref name="errors"/> (standard error by default).</returns>
    public static int Run(string[] args, TextWriter output, TextWriter? errors = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        errors ??= Console.Error;
        ExperimentOptions options;
        LabeledDataset train, test;
        string dataDirectory;
        try
        {
            var line = new CommandLine(args, ExperimentOptions.Usage);
            if (line.Help)
            {
                output.WriteLine(ExperimentOptions.Usage);
                return 0;
            }
            options = ExperimentOptions.Parse(line);
            (train, test, dataDirectory) = LoadData(options);
        }
        catch (Exception error) when (error is ArgumentException or IOException or InvalidDataException)
        {
            errors.WriteLine($"error: {error.Message}");
            return 2;
        }
        Run(options, train, test, dataDirectory, output);
        return 0;
    }

    private static (LabeledDataset Train, LabeledDataset Test, string Directory) LoadData(ExperimentOptions options)
    {
        string directory = options.DataDirectory ?? ExamplePaths.ShippedData();
        var train = FashionMnist.Load(directory, train: true, mean: FashionMnistMean, std: FashionMnistStd);
        var test = FashionMnist.Load(directory, train: false, mean: FashionMnistMean, std: FashionMnistStd);
        if (options.Limit is int limit)
        {
            train = train.Take(limit);
            test = test.Take(limit);
        }
        if (train.Count < options.BatchSize)
            throw new ArgumentException(
                $"--batch {options.BatchSize} is larger than the {train.Count} training images; every epoch drops the last partial batch, so it would train on nothing.\n\n{ExperimentOptions.Usage}");
        if (test.Count < DemonstrationRows)
            throw new ArgumentException($"the experiment needs at least {DemonstrationRows} test images, but there are {test.Count}.\n\n{ExperimentOptions.Usage}");
        return (train, test, directory);
    }

    private static void Run(ExperimentOptions options, LabeledDataset train, LabeledDataset test, string dataDirectory, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        string network = $"{train.FeatureCount} → {string.Join(" → ", options.Hidden.Select(h => $"{h} (ReLU)"))} → {train.ClassCount}";
        string optimizer = $"{(options.Optimizer == "adam" ? "Adam" : "plain SGD")} lr {Number(options.Lr)}";
        output.WriteLine("Sigmoid vs softmax: one network, three output heads, two starting points");
        output.WriteLine($"data: {Display(dataDirectory)}{(options.DataDirectory is null ? " (the shipped subset)" : "")}, {train.Count} training and {test.Count} test images");
        output.WriteLine($"network: {network} logits; {optimizer}, batch {options.BatchSize}, {Epochs(options.Epochs)}, seed {options.Seed}");
        output.WriteLine("heads: (a) softmax+CE = softmax + cross-entropy; (b) sigmoid+BCE = ten sigmoids + binary cross-entropy");
        output.WriteLine("       against one-hot targets; (c) sigmoid+MSE = ten sigmoids + squared error against one-hot targets.");
        output.WriteLine("       Each loss is summed over the ten outputs and averaged over the batch; prediction is the argmax.");
        output.WriteLine();

        var starts = new[]
        {
            new StartingPoint("standard start", "output layer from U(±1/√in), PyTorch's default: logits near 0", 1),
            new StartingPoint($"saturated start (×{Number(options.SaturatedScale)})",
                $"output layer from U(±{Number(options.SaturatedScale)}/√in): logits {Number(options.SaturatedScale)} times larger", options.SaturatedScale),
        };
        var progressBar = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? new ProgressBar() : null;
        var runs = new List<(string Name, IReadOnlyDictionary<ComparedHead, List<EpochResult>> Results)>();
        var demonstrationLogits = new Dictionary<ComparedHead, Tensor>();
        var testSet = new TestSet(test.ToTensor(), test.GetLabels());
        foreach (var start in starts)
        {
            output.WriteLine($"{start.Name}: {start.Description}");
            var results = new Dictionary<ComparedHead, List<EpochResult>>();
            foreach (var head in ComparedHeads.All)
            {
                var trainer = new HeadTrainer(head, $"{start.Name}, {ComparedHeads.Name(head)}", options, start.OutputScale, train, testSet);
                results[head] = Train(trainer, options.Epochs, progressBar, output, ComparedHeads.Name(head));
                foreach (string explanation in trainer.Explanations) output.WriteLine($"    monitor: {explanation}");
                if (start == starts[0]) demonstrationLogits[head] = trainer.TestLogits(DemonstrationRows);
            }
            output.WriteLine();
            output.Write(ResultsTable.Format(results));
            output.WriteLine();
            runs.Add((start.Name, results));
        }
        output.WriteLine("  test accuracy: argmax of the logits on the test images after the epoch (epoch 0: before training).");
        output.WriteLine("  ‖∂L/∂z‖: the L2 norm of the batch loss's gradient at the logits, as backward delivered it, averaged over");
        output.WriteLine("    the epoch's training batches (TrainingMonitor: at the last Dense layer's output, or the Sigmoid layer's input).");
        output.WriteLine("  saturated and wrong: the share of outputs, averaged over the epoch's training batches, with p > 0.99 where");
        output.WriteLine("    the one-hot target is 0, or p < 0.01 where it is 1 (p = σ(z) for the sigmoid heads, softmax(z) for softmax+CE).");
        output.WriteLine("  monitor: what the TrainingMonitor attached to each model explained during its run (each finding once).");
        output.WriteLine();

        string plotsDirectory = options.PlotsDirectory ?? DefaultPlotsDirectory();
        string figure = ExperimentPlots.Save(plotsDirectory, $"Sigmoid vs softmax on Fashion-MNIST: {network}, {optimizer}, {train.Count} training images", runs);
        output.WriteLine($"plots: {Display(figure)}");
        output.WriteLine();

        HeadDemonstration.PrintRows(output, demonstrationLogits[ComparedHead.SoftmaxCrossEntropy],
            demonstrationLogits[ComparedHead.SigmoidBinaryCrossEntropy], test.Take(DemonstrationRows).GetLabels());
        output.WriteLine();
        HeadDemonstration.PrintBinaryCase(output);
        output.WriteLine();
        var saturated = runs[1].Results;
        HeadDemonstration.PrintSaturationExplanation(output,
            saturated[ComparedHead.SigmoidBinaryCrossEntropy][0], saturated[ComparedHead.SigmoidBinaryCrossEntropy][^1],
            saturated[ComparedHead.SigmoidSquaredError][0], saturated[ComparedHead.SigmoidSquaredError][^1]);
        output.WriteLine();

        output.WriteLine($"test accuracy after {Epochs(options.Epochs),-9}   " + string.Concat(ComparedHeads.All.Select(h => ComparedHeads.Name(h).PadLeft(12))));
        foreach (var (name, results) in runs)
            output.WriteLine($"  {name,-27}" + string.Concat(ComparedHeads.All.Select(h => results[h][^1].TestAccuracy.ToString("0.0000", CultureInfo.InvariantCulture).PadLeft(12))));
        output.WriteLine($"total time {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        double softmaxAccuracy = runs[0].Results[ComparedHead.SoftmaxCrossEntropy][^1].TestAccuracy;
        output.WriteLine($"softmax test accuracy: {softmaxAccuracy.ToString("0.0000", CultureInfo.InvariantCulture)}");
    }

    /// <summary>Epoch 0 (untrained), then <paramref name="epochs"/> epochs of training, with a line saying how it ended.</summary>
    private static List<EpochResult> Train(HeadTrainer trainer, int epochs, ProgressBar? progressBar, TextWriter output, string name)
    {
        var results = new List<EpochResult> { trainer.MeasureUntrained() };
        for (int epoch = 1; epoch <= epochs; epoch++) results.Add(trainer.RunEpoch(epoch, progressBar));
        output.WriteLine($"  trained {name,-11}  test accuracy {results[^1].TestAccuracy.ToString("0.0000", CultureInfo.InvariantCulture)}" +
            $"  ({results.Sum(e => e.Seconds).ToString("0.0", CultureInfo.InvariantCulture)} s)");
        return results;
    }

    /// <summary>examples/SigmoidVsSoftmax/plots of this repository (ignored by git), or ./plots when run from elsewhere.</summary>
    private static string DefaultPlotsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string example = Path.Combine(dir.FullName, "examples", "SigmoidVsSoftmax");
            if (File.Exists(Path.Combine(dir.FullName, "MiniNet.sln")) && Directory.Exists(example)) return Path.Combine(example, "plots");
        }
        return Path.GetFullPath("plots");
    }

    /// <summary>A path relative to the current directory when it lies inside it (examples/data from the repository), else in full.</summary>
    private static string Display(string path)
    {
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? Path.GetFullPath(path) : relative;
    }

    private static string Epochs(int count) => count == 1 ? "1 epoch" : $"{count} epochs";

    private static string Number(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
