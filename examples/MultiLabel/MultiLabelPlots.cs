using System.Globalization;
using MiniNet.Reporting;

namespace MiniNet.Examples.MultiLabel;

/// <summary>The example's two figures: per-attribute F1 of both heads, and both heads' training curves.</summary>
internal static class MultiLabelPlots
{
    private const string Blue = "#0072B2", Vermillion = "#D55E00"; // the first two colours of MiniNet's plots (Okabe and Ito)

    /// <summary>Writes the figures into <paramref name="directory"/> and returns their paths.</summary>
    /// <param name="directory">Where the SVG files go.</param>
    /// <param name="sigmoid">The trained sigmoid head, with its decision rules σ(z) &gt; threshold and top-m.</param>
    /// <param name="softmax">The trained softmax head, with its decision rules p &gt; max p / 2 and top-m.</param>
    /// <param name="metrics">The final test metrics: sigmoid, softmax, sigmoid top-m, softmax top-m.</param>
    /// <param name="entropyFloor">The least softmax cross-entropy possible on the test set.</param>
    /// <param name="threshold">The sigmoid head's threshold.</param>
    public static string[] Save(string directory, TrainedHead sigmoid, TrainedHead softmax, MultiLabelMetrics[] metrics,
        double entropyFloor, double threshold)
    {
        string cut = threshold.ToString("0.######", CultureInfo.InvariantCulture);
        string f1Path = Path.Combine(directory, "multilabel-f1-per-attribute.svg");
        new GroupedBarChart($"Test F1 per attribute: sigmoid head vs softmax head ({metrics[0].SampleCount} test images)",
                "F1 score", metrics[0].AttributeNames, "the same head's top m, when told m (oracle)")
            .Add($"sigmoid head, σ(z) > {cut}", PerAttributeF1(metrics[0]), PerAttributeF1(metrics[2]), Blue)
            .Add("softmax head, p > max p / 2", PerAttributeF1(metrics[1]), PerAttributeF1(metrics[3]), Vermillion)
            .Save(f1Path);

        var floor = Enumerable.Repeat(entropyFloor, softmax.TestLoss.Count).ToArray();
        var figure = new Figure(columns: 3) { Title = "Training: sigmoid head vs softmax head on the same multi-label targets", PanelWidth = 440 }
            .Add(new LinePlot("Sigmoid head: binary cross-entropy") { XLabel = "epoch", YLabel = "loss (mean per attribute)" }
                .Add("train", sigmoid.TrainLoss)
                .Add("test", sigmoid.TestLoss))
            .Add(new LinePlot("Softmax head: cross-entropy") { XLabel = "epoch", YLabel = "loss (per image)" }
                .Add("train", softmax.TrainLoss)
                .Add("test", softmax.TestLoss)
                .Add("least possible (mean ln m)", floor))
            .Add(new LinePlot("Test micro-F1") { XLabel = "epoch", YLabel = "micro-F1" }
                .Add($"sigmoid, σ(z) > {cut}", sigmoid.TestMicroF1[0])
                .Add("softmax, p > max p / 2", softmax.TestMicroF1[0])
                .Add("sigmoid, top m (oracle)", sigmoid.TestMicroF1[1])
                .Add("softmax, top m (oracle)", softmax.TestMicroF1[1]));
        string trainingPath = Path.Combine(directory, "multilabel-training.svg");
        figure.Save(trainingPath);
        return [f1Path, trainingPath];
    }

    private static double[] PerAttributeF1(MultiLabelMetrics metrics) =>
        Enumerable.Range(0, metrics.AttributeCount).Select(metrics.F1).ToArray();
}
