using MiniNet.Layers;
using MiniNet.Reporting;

namespace MiniNet.Tests.BadInputs;

/// <summary>Reporting: the training monitor's settings and what it is asked to show.</summary>
internal static class ReportingBadInputs
{
    private const string Area = "Reporting";

    private static TrainingMonitor Monitor() =>
        TrainingMonitor.Attach(new Sequential(new Dense(3, 2, seed: 1)), new TrainingMonitorOptions { Output = TextWriter.Null });

    public static IEnumerable<BadInput> Rows() =>
    [
        BadInput.Of<ArgumentOutOfRangeException>(Area, "a monitor measuring every 0 steps", () => new TrainingMonitorOptions { Every = 0 },
            "TrainingMonitorOptions.Every: measure every N ≥ 1 steps", "0"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "a sigmoid saturation margin of 0.5", () => new TrainingMonitorOptions { SigmoidSaturation = 0.5 },
            "TrainingMonitorOptions.SigmoidSaturation: expected a number in (0, 0.5)"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "a NaN tanh saturation", () => new TrainingMonitorOptions { TanhSaturation = double.NaN },
            "TrainingMonitorOptions.TanhSaturation: expected a number in (0, 1)"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "a confidence of one half", () => new TrainingMonitorOptions { Confidence = 0.5 },
            "TrainingMonitorOptions.Confidence: expected a number in (0.5, 1)"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "a gradient shrink factor below 1", () => new TrainingMonitorOptions { GradientShrinkWarning = 0.5 },
            "TrainingMonitorOptions.GradientShrinkWarning: a factor ≥ 1"),
        BadInput.Of<InvalidOperationException>(Area, "monitor plots before any step", () => Monitor().Plots(),
            "TrainingMonitor.Plots: nothing was measured yet"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "a monitor table of a step not measured", () =>
        {
            var monitor = Monitor();
            var model = (Sequential)monitor.Model;
            for (int i = 0; i < 2; i++) model.Forward(Tensor.Ones([1, 3])).Sum().Backward();
            monitor.Table(2);
        }, "TrainingMonitor.Table: step 2 was not measured; measured steps are 1, 1 + 100, … up to 1"),
    ];
}
