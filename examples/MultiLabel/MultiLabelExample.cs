using System.Globalization;
using MiniNet.Data;
using MiniNet.Reporting;

namespace MiniNet.Examples.MultiLabel;

/// <summary>
/// The sigmoid head where it belongs: each Fashion-MNIST image is tagged with several clothing attributes at
/// once (<see cref="ClothingAttributes"/>). An MLP learns them with the sigmoid head; then the same network
/// meets the softmax head — which refuses the multi-hot targets, and, given them renormalised to sum to 1,
/// scores worse — and the two are compared side by side.
/// </summary>
public static class MultiLabelExample
{
    private const string SigmoidName = "sigmoid", SoftmaxName = "softmax";
    private const string HalfOfTop = "p > max p / 2", TopTrueCount = "top-m (oracle)";
    private const float Mean = 0.2860f, Std = 0.3530f; // of Fashion-MNIST's training pixels, as torchvision's Normalize uses them

    /// <summary>Runs the example with command-line <paramref name="args"/>, writing to <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        MultiLabelOptions? options;
        try
        {
            options = MultiLabelOptions.Parse(args);
        }
        catch (ArgumentException error)
        {
            output.WriteLine($"error: {error.Message}");
            return 2;
        }
        if (options is null)
        {
            output.WriteLine(MultiLabelOptions.Usage);
            return 0;
        }

        LabeledDataset train, test;
        try
        {
            train = FashionMnist.Load(options.DataDirectory, train: true, Mean, Std);
            test = FashionMnist.Load(options.DataDirectory, train: false, Mean, Std);
        }
        catch (Exception error) when (error is IOException or InvalidDataException)
        {
            output.WriteLine($"error: {error.Message}");
            return 1;
        }
        if (options.Limit is int limit) (train, test) = (train.Take(limit), test.Take(limit));
        Run(options, train, test, output);
        return 0;
    }

    private static void Run(MultiLabelOptions options, LabeledDataset train, LabeledDataset test, TextWriter output)
    {
        var settings = new TrainingSettings(options.Hidden, options.Epochs, options.BatchSize, options.Lr, options.Seed);
        var names = ClothingAttributes.Names;
        var attributes = ClothingAttributes.ForClasses();
        var testTargets = ToBooleans(Targets.MultiHot(test.GetLabels(), attributes));
        var progress = new ProgressBar(output, isTerminal: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);

        output.WriteLine("Multi-label Fashion-MNIST: each image gets its class's clothing attributes, several at once.");
        output.WriteLine($"data: {(options.ShippedData ? "the shipped subset" : options.DataDirectory)}: {train.Count} training and {test.Count} test images");
        output.WriteLine($"model: {Describe(train.FeatureCount, settings.Hidden)}; Adam, lr {Number(settings.Lr)}, " +
            $"batch {settings.BatchSize}, {settings.Epochs} epoch{(settings.Epochs == 1 ? "" : "s")}, seed {settings.Seed}");
        output.WriteLine();
        output.WriteLine("The attributes of each class (an image has the attributes of its class):");
        output.Write(ClothingAttributes.Format());

        // The sigmoid head: one Bernoulli per attribute.
        output.WriteLine();
        output.WriteLine($"== Sigmoid head: {names.Count} independent yes/no outputs, binary cross-entropy ==");
        var sigmoidHead = new SigmoidHead();
        DecisionRule sigmoidRule = logits => DecisionRules.SigmoidAbove(logits, names.Count, options.Threshold);
        DecisionRule topTrueCount = logits => DecisionRules.TopTrueCount(logits, testTargets);
        var sigmoid = HeadTrainer.Train(SigmoidName, sigmoidHead.Loss, [sigmoidRule, topTrueCount],
            (logits, targets) => sigmoidHead.CountCorrect(logits, targets, options.Threshold), train, test, testTargets, settings, progress);
        var sigmoidMetrics = new MultiLabelMetrics(sigmoidRule(sigmoid.TestLogits), testTargets, names);
        var sigmoidOracle = new MultiLabelMetrics(topTrueCount(sigmoid.TestLogits), testTargets, names);
        output.WriteLine($"trained in {Seconds(sigmoid.Elapsed)}; test set, attribute predicted when σ(z) > {Number(options.Threshold)}:");
        output.Write(sigmoidMetrics.Format());

        // The softmax head: (a) refuses multi-hot targets; (b) trained on them renormalised.
        output.WriteLine();
        output.WriteLine("== Softmax head on the same targets ==");
        output.WriteLine("(a) the multi-hot targets, as they are, into SoftmaxHead.Loss:");
        foreach (string line in Wrap(LinterVerdict(sigmoid, train, settings.BatchSize, attributes), 110)) output.WriteLine("    " + line);
        output.WriteLine("(b) the targets renormalised to sum to 1 (an image with m attributes: 1/m on each), the same network,");
        output.WriteLine("    seed and batches; an attribute is predicted when its probability is more than half the top one");
        output.WriteLine("    (a perfect model gives 1/m to each of the m, 0 to the rest). An oracle told m takes the top m (for both heads).");
        var softmaxHead = new SoftmaxHead();
        DecisionRule halfOfTop = logits => DecisionRules.SoftmaxAboveHalfOfTop(logits, names.Count);
        var softmax = HeadTrainer.Train(SoftmaxName, (logits, multiHot) => softmaxHead.Loss(logits, Renormalised(multiHot)),
            [halfOfTop, topTrueCount], countCorrect: null, train, test, testTargets, settings, progress);
        var softmaxMetrics = new MultiLabelMetrics(halfOfTop(softmax.TestLogits), testTargets, names);
        var softmaxOracle = new MultiLabelMetrics(topTrueCount(softmax.TestLogits), testTargets, names);
        double entropyFloor = MeanTargetEntropy(testTargets);
        output.WriteLine($"trained in {Seconds(softmax.Elapsed)}; its test cross-entropy cannot go below the targets' entropy, mean ln m = {entropyFloor:0.0000}.");
        output.WriteLine("Test set, attribute predicted when p > max p / 2:");
        output.Write(softmaxMetrics.Format());

        output.WriteLine();
        output.WriteLine($"== Side by side: the test set, {test.Count} images ==");
        output.Write(ComparisonTable.Format(
        [
            ("sigmoid head", $"σ(z) > {Number(options.Threshold)}", sigmoidMetrics),
            ("softmax head", HalfOfTop, softmaxMetrics),
            ("sigmoid head", TopTrueCount, sigmoidOracle),
            ("softmax head", TopTrueCount, softmaxOracle),
        ]));
        output.WriteLine();
        output.WriteLine($"micro-F1 on the test set: sigmoid head {sigmoidMetrics.MicroF1:0.0000}, softmax head {softmaxMetrics.MicroF1:0.0000} " +
            $"(recall {sigmoidMetrics.MicroRecall:0.0000} and {softmaxMetrics.MicroRecall:0.0000}); " +
            $"top m when told m: {sigmoidOracle.MicroF1:0.0000} and {softmaxOracle.MicroF1:0.0000}.");
        output.WriteLine("Why the sigmoid head is the one for multi-label targets:");
        output.WriteLine("- softmax makes the attributes compete for one unit of probability: a true attribute gets only 1/m, and when the");
        output.WriteLine("  net hesitates between classes, the attributes of the class that has more of them are diluted most and slip");
        output.WriteLine("  under the cut, which costs recall; its p_k is a share, not the probability that the image has attribute k;");
        output.WriteLine("- sigmoid gives each attribute its own Bernoulli: σ(z_k) estimates P(attribute k | image) whatever the others are.");

        if (options.PlotsDirectory is string plots)
        {
            Directory.CreateDirectory(plots);
            var files = MultiLabelPlots.Save(plots, sigmoid, softmax, [sigmoidMetrics, softmaxMetrics, sigmoidOracle, softmaxOracle], entropyFloor, options.Threshold);
            output.WriteLine();
            foreach (string file in files) output.WriteLine($"wrote {file}");
        }
        output.WriteLine();
        output.WriteLine($"test micro-F1: {sigmoidMetrics.MicroF1.ToString("0.0000", CultureInfo.InvariantCulture)}");
    }

    /// <summary>Feeds a batch's multi-hot targets to the softmax head and returns what its linter says.</summary>
    private static string LinterVerdict(TrainedHead trained, LabeledDataset train, int batchSize, bool[,] attributes)
    {
        using var batches = new DataLoader(train, batchSize).GetEnumerator();
        batches.MoveNext();
        var batch = batches.Current;
        try
        {
            using (Tape.NoGrad()) new SoftmaxHead().Loss(trained.Model.Forward(batch.Features), batch.MultiHot(attributes));
            return "accepted: no image of this batch has two attributes or more, so the targets happen to be distributions.";
        }
        catch (ArgumentException refusal)
        {
            return "refused: " + refusal.Message;
        }
    }

    /// <summary>Each row divided by its sum: 1/m on each of a row's m attributes (every class has at least one).</summary>
    private static Tensor Renormalised(Tensor multiHot) => multiHot / multiHot.Sum(axis: 1, keepDims: true);

    /// <summary>The mean over images of ln m, the entropy of a uniform target over m attributes: the least the softmax cross-entropy can be.</summary>
    private static double MeanTargetEntropy(bool[,] targets)
    {
        double sum = 0;
        for (int i = 0; i < targets.GetLength(0); i++)
        {
            int count = 0;
            for (int k = 0; k < targets.GetLength(1); k++) if (targets[i, k]) count++;
            sum += Math.Log(count);
        }
        return sum / targets.GetLength(0);
    }

    private static bool[,] ToBooleans(Tensor multiHot)
    {
        var values = multiHot.AsReadOnlySpan<float>();
        int columns = multiHot.Shape[1];
        var result = new bool[multiHot.Shape[0], columns];
        for (int i = 0; i < values.Length; i++) result[i / columns, i % columns] = values[i] == 1;
        return result;
    }

    /// <summary>Breaks <paramref name="text"/> into lines of at most <paramref name="width"/> characters at spaces.</summary>
    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (string word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }

    private static string Describe(int inputs, int[] hidden) =>
        string.Join(" → ", new[] { $"{inputs} pixels" }.Concat(hidden.Select(h => $"Dense {h} + ReLU")).Append($"Dense {ClothingAttributes.Count} logits"));

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture);
}
