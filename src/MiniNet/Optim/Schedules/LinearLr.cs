namespace MiniNet.Optim;

/// <summary>
/// Linear change of the learning rate (PyTorch's <c>LinearLR</c>), usually a warm-up: the factor on the
/// base learning rate moves linearly from <see cref="StartFactor"/> at epoch 0 to <see cref="EndFactor"/>
/// at epoch <see cref="TotalIters"/>, then stays: lr = base · (start + (end − start) · min(epoch, total) / total).
/// </summary>
/// <remarks>
/// A start factor of 0 (warm-up from nothing) is allowed. PyTorch 2 refuses it because its recursive form
/// would multiply 0 forever; the closed form used here has no such trap.
/// </remarks>
/// <param name="optimizer">The optimiser whose learning rate is set.</param>
/// <param name="startFactor">The factor at epoch 0, in [0, 1].</param>
/// <param name="endFactor">The factor from epoch <paramref name="totalIters"/> on, in [0, 1].</param>
/// <param name="totalIters">The number of epochs the change takes (≥ 1).</param>
/// <exception cref="ArgumentOutOfRangeException">A factor is outside [0, 1], or <paramref name="totalIters"/> is below 1.</exception>
public sealed class LinearLr(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5)
    : LrScheduler(optimizer)
{
    /// <summary>The factor at epoch 0.</summary>
    public double StartFactor { get; } = Require.Fraction(startFactor, nameof(startFactor), nameof(LinearLr), oneAllowed: true);

    /// <summary>The factor from epoch <see cref="TotalIters"/> on.</summary>
    public double EndFactor { get; } = Require.Fraction(endFactor, nameof(endFactor), nameof(LinearLr), oneAllowed: true);

    /// <summary>The number of epochs the change takes.</summary>
    public int TotalIters { get; } = Require.Positive(totalIters, nameof(totalIters), nameof(LinearLr));

    private protected override void AddHyperparameters(OrderedDictionary<string, double> hyperparameters)
    {
        hyperparameters["start_factor"] = StartFactor;
        hyperparameters["end_factor"] = EndFactor;
        hyperparameters["total_iters"] = TotalIters;
    }

    /// <inheritdoc/>
    public override double LrAt(int epoch, double baseLr) =>
        baseLr * (StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, epoch) / TotalIters);
}
