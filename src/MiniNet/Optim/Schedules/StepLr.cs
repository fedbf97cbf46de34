using MiniNet.Kernels;
namespace MiniNet.Optim;

/// <summary>
/// Step decay (PyTorch's <c>StepLR</c>): the learning rate is multiplied by <see cref="Gamma"/> every
/// <see cref="StepSize"/> epochs: lr = base · γ^⌊epoch / stepSize⌋.
/// </summary>
/// <param name="optimizer">The optimiser whose learning rate is set.</param>
/// <param name="stepSize">The period of the decay, in epochs (≥ 1).</param>
/// <param name="gamma">The factor applied at each period (≥ 0, finite).</param>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is below 1, or <paramref name="gamma"/> negative or not finite.</exception>
public sealed class StepLr(Optimizer optimizer, int stepSize, double gamma = 0.1) : LrScheduler(optimizer)
{
    /// <summary>The period of the decay, in epochs.</summary>
    public int StepSize { get; } = Require.Positive(stepSize, nameof(stepSize), nameof(StepLr));

    /// <summary>The factor applied at each period.</summary>
    public double Gamma { get; } = Require.NonNegative(gamma, nameof(gamma), nameof(StepLr));

    private protected override void AddHyperparameters(OrderedDictionary<string, double> hyperparameters)
    {
        hyperparameters["step_size"] = StepSize;
        hyperparameters["gamma"] = Gamma;
    }

    /// <inheritdoc/>
    public override double LrAt(int epoch, double baseLr) =>
        baseLr * ElementaryFunctions.Pow(Gamma, epoch / StepSize);
}
