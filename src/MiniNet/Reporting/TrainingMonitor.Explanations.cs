using System.Globalization;

namespace MiniNet.Reporting;

public sealed partial class TrainingMonitor
{
    private readonly List<string> _explanations = [];
    private readonly HashSet<string> _explained = [];

    /// <summary>What the monitor has explained so far, each finding once, in order (empty while <see cref="TrainingMonitorOptions.Warnings"/> is off).</summary>
    public IReadOnlyList<string> Explanations
    {
        get
        {
            FinishMeasuring();
            return _explanations;
        }
    }

    /// <summary>Looks at the records of the step just finished (from <paramref name="first"/> on) for what deserves a word.</summary>
    private void Explain(int first)
    {
        if (!Options.Warnings) return;
        for (int i = first; i < _records.Count; i++)
        {
            var record = _records[i];
            var probe = _probes[i - first];
            if (probe.Kind is LayerKind.Sigmoid or LayerKind.Tanh) ExplainSaturation(record, probe);
            else if (probe.Kind == LayerKind.ReLU && record.DeadShare >= Options.DeadShareWarning)
                Say($"dead:{record.Layer}",
                    $"step {record.Step}, layer {record.Layer} (ReLU): {Percent(record.DeadShare)} of its units output 0 for every example of the batch. " +
                    "A dead unit passes back no gradient, so nothing revives it; lower the learning rate, start from smaller weights, or use LeakyReLU.");
        }
    }

    /// <summary>
    /// A saturated sigmoid or tanh: at the output with squared error, once the share saturated on the wrong side reaches
    /// the threshold (those outputs are stuck however wrong they are); elsewhere, once the saturated share does and the
    /// layer passes back <see cref="TrainingMonitorOptions.GradientShrinkWarning"/> times less gradient than it receives.
    /// </summary>
    private void ExplainSaturation(LayerRecord record, LayerProbe probe)
    {
        double shrink = record.OutputGradientNorm / record.InputGradientNorm; // ∞ when nothing at all gets through
        bool stalledHead = probe.Kind == LayerKind.Sigmoid && ReferenceEquals(probe, _lastProbe) && _loss == "squared error"
            && _headRecords.Count > 0 && _headRecords[^1].Step == record.Step;
        string wrongSide = "";
        if (stalledHead)
        {
            double wrong = _headRecords[^1].SaturatedWrongShare;
            if (!(wrong >= Options.SaturatedShareWarning)) return;
            wrongSide = $" ({Percent(wrong)} on the wrong side)";
        }
        else if (!(record.SaturatedShare >= Options.SaturatedShareWarning) || !(shrink >= Options.GradientShrinkWarning)) return;
        string advice = stalledHead
            ? "a sigmoid with squared error stalls when saturated: its gradient (p − y)·p·(1 − p) vanishes as p nears 0 or 1, " +
              "however wrong p is; use SigmoidHead (binary cross-entropy on logits, whose gradient is p − y)"
            : ReferenceEquals(probe, _lastProbe) && probe.Kind == LayerKind.Sigmoid
            ? "a sigmoid at the output, apart from its loss, can stall however wrong it is; end the model in logits and use " +
              "SigmoidHead (binary cross-entropy on logits, whose gradient is p − y)"
            : $"a saturated {probe.KindName.ToLowerInvariant()} passes almost no gradient to the layers before it; start from smaller " +
              "weights, lower the learning rate, normalise its input (LayerNorm), or use ReLU";
        string passes = double.IsNaN(shrink) ? "" : $", it passes back {Factor(shrink)} less gradient than it receives";
        Say($"saturated:{record.Layer}",
            $"step {record.Step}, layer {record.Layer} ({probe.KindName}): {Percent(record.SaturatedShare)} of units saturated{wrongSide}" +
            $"{passes}{Fall(record)} — {advice}.");
    }

    /// <summary>", its gradient norm fell 300× in 200 steps" when the gradient at the layer's input fell at least twofold from its largest.</summary>
    private string Fall(LayerRecord now)
    {
        double largest = now.InputGradientNorm;
        long since = now.Step;
        foreach (var record in _records)
            if (record.Layer == now.Layer && record.InputGradientNorm > largest) (largest, since) = (record.InputGradientNorm, record.Step);
        double fall = largest / now.InputGradientNorm;
        return fall >= 2 ? $", its gradient norm fell {Factor(fall)} in {now.Step - since} steps" : "";
    }

    private void Say(string finding, string text)
    {
        if (!_explained.Add(finding)) return;
        _explanations.Add(text);
        (Options.Output ?? Console.Error).WriteLine("TrainingMonitor: " + text);
    }

    private static string Percent(double share) => (100 * share).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Factor(double factor) =>
        double.IsPositiveInfinity(factor) ? "infinitely"
        : (factor >= 10 ? factor.ToString("0", CultureInfo.InvariantCulture) : factor.ToString("0.0", CultureInfo.InvariantCulture)) + "×";
}
