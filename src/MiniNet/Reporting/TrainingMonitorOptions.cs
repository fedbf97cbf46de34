namespace MiniNet.Reporting;

/// <summary>How often a <see cref="TrainingMonitor"/> measures, where it draws its lines, and where it explains what it sees.</summary>
/// <remarks>Every threshold is a setting, as every one of them is a judgement; the defaults are the usual rules of thumb.</remarks>
public sealed record TrainingMonitorOptions
{
    private readonly int _every = 100;
    private readonly double _sigmoidSaturation = 0.01, _tanhSaturation = 0.99, _confidence = 0.9;
    private readonly double _saturatedShareWarning = 0.1, _deadShareWarning = 0.5, _gradientShrinkWarning = 20;

    /// <summary>
    /// Measure one training step in this many (the first, then every <c>Every</c>-th; default 100). Other steps cost two
    /// hook calls per layer; a measured step reads the activations, parameters and gradients once more, which on a small
    /// MLP is as much as the step itself: one in 100 keeps the monitor under 1 % of training (see the README).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int Every
    {
        get => _every;
        init => _every = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Every), value, "TrainingMonitorOptions.Every: measure every N ≥ 1 steps.");
    }

    /// <summary>A sigmoid output below this or above 1 minus this is saturated (default 0.01): its derivative p(1 − p) is below 0.0099.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 0.5).</exception>
    public double SigmoidSaturation
    {
        get => _sigmoidSaturation;
        init => _sigmoidSaturation = Share(value, nameof(SigmoidSaturation), 0, 0.5);
    }

    /// <summary>A tanh output beyond ± this is saturated (default 0.99): its derivative 1 − y² is below 0.02.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1).</exception>
    public double TanhSaturation
    {
        get => _tanhSaturation;
        init => _tanhSaturation = Share(value, nameof(TanhSaturation), 0, 1);
    }

    /// <summary>A prediction at the head is confidently wrong when it puts at least this probability on the wrong answer (default 0.9).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0.5, 1).</exception>
    public double Confidence
    {
        get => _confidence;
        init => _confidence = Share(value, nameof(Confidence), 0.5, 1);
    }

    /// <summary>
    /// Explain a sigmoid or tanh layer once this share of its outputs is saturated (default 0.1) and it passes back
    /// <see cref="GradientShrinkWarning"/> times less gradient than it receives; a sigmoid output trained with squared
    /// error, once this share of its outputs is saturated on the wrong side.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1).</exception>
    public double SaturatedShareWarning
    {
        get => _saturatedShareWarning;
        init => _saturatedShareWarning = Share(value, nameof(SaturatedShareWarning), 0, 1);
    }

    /// <summary>
    /// Explain a saturated layer once the gradient at its input is this many times smaller than at its output (default 20;
    /// an unsaturated sigmoid already divides it by 4 at least, a tanh by 1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1, or not finite.</exception>
    public double GradientShrinkWarning
    {
        get => _gradientShrinkWarning;
        init => _gradientShrinkWarning = value >= 1 && double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(GradientShrinkWarning), value, "TrainingMonitorOptions.GradientShrinkWarning: a factor ≥ 1.");
    }

    /// <summary>Explain a ReLU layer once this share of its units is dead, 0 for every example of a batch (default 0.5).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1).</exception>
    public double DeadShareWarning
    {
        get => _deadShareWarning;
        init => _deadShareWarning = Share(value, nameof(DeadShareWarning), 0, 1);
    }

    /// <summary>Whether the monitor explains what it sees (each finding once per layer). On by default.</summary>
    public bool Warnings { get; init; } = true;

    /// <summary>Where the explanations are written; null (the default) for standard error. They are kept in <see cref="TrainingMonitor.Explanations"/> too.</summary>
    public TextWriter? Output { get; init; }

    private static double Share(double value, string name, double above, double below) =>
        value > above && value < below ? value
            : throw new ArgumentOutOfRangeException(name, value, $"TrainingMonitorOptions.{name}: expected a number in ({above}, {below}).");
}
