using MiniNet.Kernels;
namespace MiniNet.Optim;

/// <summary>Exponential decay (PyTorch's <c>ExponentialLR</c>): lr = base · γ^epoch.</summary>
/// <param name="optimizer">The optimiser whose learning rate is set.</param>
/// <param name="gamma">The factor applied every epoch (≥ 0, finite).</param>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is negative or not finite.</exception>
public sealed class ExponentialLr(Optimizer optimizer, double gamma) : LrScheduler(optimizer)
{
    /// <summary>The factor applied every epoch.</summary>
    public double Gamma { get; } = Require.NonNegative(gamma, nameof(gamma), nameof(ExponentialLr));

    private protected override void AddHyperparameters(OrderedDictionary<string, double> hyperparameters) => hyperparameters["gamma"] = Gamma;

    /// <inheritdoc/>
    public override double LrAt(int epoch, double baseLr) =>
        baseLr * ElementaryFunctions.Pow(Gamma, epoch);
}
