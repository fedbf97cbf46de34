using System.Globalization;
using System.Text;

namespace MiniNet.Reporting;

public sealed partial class TrainingMonitor
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// A few characters for a progress bar (see <see cref="ProgressBar.Monitor"/>): the most saturated sigmoid or tanh
    /// layer and the deadest ReLU layer of the last measured step, with "!" once something was explained; empty before.
    /// </summary>
    public string Status { get; private set; } = "";

    private void UpdateStatus(int first)
    {
        LayerRecord? saturated = null, dead = null;
        for (int i = first; i < _records.Count; i++)
        {
            var record = _records[i];
            if (record.SaturatedShare > (saturated?.SaturatedShare ?? -1)) saturated = record;
            if (record.DeadShare > (dead?.DeadShare ?? -1)) dead = record;
        }
        var status = new StringBuilder(_explanations.Count > 0 ? "! " : "");
        if (saturated is not null) status.Append(Invariant, $"sat {100 * saturated.SaturatedShare:0}% @{saturated.Layer} ");
        if (dead is not null) status.Append(Invariant, $"dead {100 * dead.DeadShare:0}% @{dead.Layer} ");
        Status = status.ToString().TrimEnd();
    }

    /// <summary>
    /// The last measured step (or <paramref name="step"/>) as a text table, one row per layer: gradient norm (the
    /// parameters', or at the input for a layer without), update/weight, activation mean and deviation, saturated and
    /// dead shares; then the head. "-" where a figure does not apply. Empty before the first measured step.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> was not measured.</exception>
    public string Table(long? step = null)
    {
        var records = Records;
        if (records.Count == 0) return "";
        long shown = step ?? records[^1].Step;
        var table = new TextTable("layer", "kind", "grad norm", "update/weight", "act mean", "act std", "saturated", "dead");
        int rows = 0;
        foreach (var record in records)
            if (record.Step == shown && ++rows > 0)
                table.Add(record.Layer, record.Kind, Scientific(record.GradientNorm), Scientific(record.UpdateRatio),
                    Fixed(record.ActivationMean), Fixed(record.ActivationStd), Share(record.SaturatedShare), Share(record.DeadShare));
        if (rows == 0)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"TrainingMonitor.Table: step {shown} was not measured; measured steps are 1, 1 + {Options.Every}, … up to {records[^1].Step}.");
        var head = HeadRecords.LastOrDefault(h => h.Step == shown);
        var result = new StringBuilder().Append(Invariant, $"step {shown}\n").Append(table.ToString());
        if (head is not null)
            result.Append(Invariant, $"head ({head.Loss}): {Share(head.SaturatedWrongShare)} of outputs saturated on the wrong side, ")
                .Append(Invariant, $"{Share(head.ConfidentlyWrongShare)} of predictions confidently wrong (p ≥ {Options.Confidence})\n");
        return result.ToString();
    }

    /// <summary>
    /// Every record as CSV (invariant culture, "\n" line ends, an empty cell where a figure does not apply): one row per
    /// layer per measured step, then one row per head record with <c>head</c> as the layer and the loss as the kind.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("step,layer,kind,parameter_grad_norm,input_grad_norm,output_grad_norm,update_ratio,activation_mean,activation_std," +
            "saturated_share,dead_share,saturated_wrong_share,confidently_wrong_share\n");
        foreach (var r in Records)
            writer.Write(string.Join(',', r.Step.ToString(Invariant), Csv(r.Layer), Csv(r.Kind), Csv(r.ParameterGradientNorm), Csv(r.InputGradientNorm),
                Csv(r.OutputGradientNorm), Csv(r.UpdateRatio), Csv(r.ActivationMean), Csv(r.ActivationStd), Csv(r.SaturatedShare), Csv(r.DeadShare), "", "") + "\n");
        foreach (var h in HeadRecords)
            writer.Write(string.Join(',', h.Step.ToString(Invariant), "head", Csv(h.Loss), "", "", "", "", "", "", "", "",
                Csv(h.SaturatedWrongShare), Csv(h.ConfidentlyWrongShare)) + "\n");
    }

    /// <summary>Writes <see cref="WriteCsv"/> to <paramref name="path"/> (UTF-8), replacing any file there.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    public void SaveCsv(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        WriteCsv(writer);
    }

    /// <summary>
    /// The records as a figure, one panel per quantity and one line per layer (x: the step): gradient norm and
    /// update/weight on log scales, activation mean and deviation, saturated and dead shares, and the head's shares.
    /// Panels with nothing to show are left out.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing was measured yet.</exception>
    public Figure Plots()
    {
        var records = Records;
        if (records.Count == 0) throw new InvalidOperationException("TrainingMonitor.Plots: nothing was measured yet; train a step first.");
        var figure = new Figure(columns: 2) { Title = $"TrainingMonitor: {Model.GetType().Name}, every {Options.Every} steps" };
        AddPanel(figure, new LinePlot("gradient norm") { LogY = true }, r => r.GradientNorm);
        AddPanel(figure, new LinePlot("update / weight") { LogY = true }, r => r.UpdateRatio);
        AddPanel(figure, new LinePlot("activation mean"), r => r.ActivationMean);
        AddPanel(figure, new LinePlot("activation std"), r => r.ActivationStd);
        AddPanel(figure, new LinePlot("saturated (sigmoid, tanh)") { YPercent = true, YRange = (0, 1) }, r => r.SaturatedShare);
        AddPanel(figure, new LinePlot("dead units (ReLU)") { YPercent = true, YRange = (0, 1) }, r => r.DeadShare);
        var heads = HeadRecords;
        if (heads.Count > 0)
        {
            var x = heads.Select(h => (double)h.Step).ToArray();
            figure.Add(new LinePlot($"head ({heads[^1].Loss})") { XLabel = "step", YPercent = true, YRange = (0, 1) }
                .Add("saturated on the wrong side", x, heads.Select(h => h.SaturatedWrongShare).ToArray())
                .Add("confidently wrong", x, heads.Select(h => h.ConfidentlyWrongShare).ToArray()));
        }
        return figure;
    }

    /// <summary>Writes <see cref="Plots"/> to <paramref name="path"/> as SVG, replacing any file there.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Nothing was measured yet.</exception>
    public void SavePlots(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Plots().Save(path);
    }

    private void AddPanel(Figure figure, LinePlot plot, Func<LayerRecord, double> value)
    {
        plot.XLabel = "step";
        foreach (var probe in _probes)
        {
            var x = new List<double>();
            var y = new List<double>();
            foreach (var record in _records)
            {
                if (record.Layer != probe.Name) continue;
                double v = value(record);
                x.Add(record.Step);
                y.Add(double.IsFinite(v) && (!plot.LogY || v > 0) ? v : double.NaN);
            }
            if (y.Exists(double.IsFinite)) plot.Add($"{probe.Name} {probe.KindName}", x, y);
        }
        if (plot.Series.Count > 0) figure.Add(plot);
    }

    private static string Scientific(double value) => double.IsNaN(value) ? "-" : value.ToString("0.00e+00", Invariant);

    private static string Fixed(double value) => double.IsNaN(value) ? "-" : value.ToString("0.0000", Invariant);

    private static string Share(double value) => double.IsNaN(value) ? "-" : (100 * value).ToString("0.0", Invariant) + " %";

    private static string Csv(double value) => double.IsNaN(value) ? "" : value.ToString("R", Invariant);

    private static string Csv(string text) => text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal)
        ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
