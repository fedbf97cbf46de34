using MiniNet.Reporting;

namespace MiniNet.Examples.SigmoidVsSoftmax;

/// <summary>
/// The figure: one row of three panels per starting point — test accuracy, the mean gradient at the logits
/// (log axis) and the share of outputs saturated on the wrong side — with one line per head.
/// </summary>
internal static class ExperimentPlots
{
    public const string FileName = "sigmoid-vs-softmax.svg";

    /// <summary>Writes the figure into <paramref name="directory"/> (created if needed) and returns its path.</summary>
    public static string Save(string directory, string title, IReadOnlyList<(string Name, IReadOnlyDictionary<ComparedHead, List<EpochResult>> Results)> runs)
    {
        var figure = new Figure(columns: 3) { Title = title, PanelWidth = 440, PanelHeight = 330 };
        foreach (var (name, results) in runs)
        {
            var accuracy = new LinePlot($"{name}: test accuracy") { XLabel = "epoch", YLabel = "test accuracy", YPercent = true };
            var gradient = new LinePlot($"{name}: ‖∂L/∂z‖ at the logits") { XLabel = "epoch", YLabel = "gradient norm (batch loss)" };
            var saturated = new LinePlot($"{name}: outputs saturated and wrong") { XLabel = "epoch", YLabel = "share of outputs", YPercent = true };
            foreach (var head in ComparedHeads.All)
            {
                var epochs = results[head];
                var x = epochs.Select(r => (double)r.Epoch).ToArray();
                accuracy.Add(ComparedHeads.Name(head), x, epochs.Select(r => r.TestAccuracy).ToArray());
                gradient.Add(ComparedHeads.Name(head), x, epochs.Select(r => r.LogitGradientNorm).ToArray());
                saturated.Add(ComparedHeads.Name(head), x, epochs.Select(r => r.SaturatedWrong).ToArray());
            }
            // Gradients span decades between the heads; a log axis needs every value positive (an exact 0 would be an underflow).
            gradient.LogY = gradient.Series.All(s => s.Y.All(v => v > 0));
            figure.Add(accuracy).Add(gradient).Add(saturated);
        }
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        figure.Save(path);
        return path;
    }
}
