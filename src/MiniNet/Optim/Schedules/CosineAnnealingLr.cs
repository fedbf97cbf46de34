using MiniNet.Kernels;

namespace MiniNet.Optim;

/// <summary>
/// Cosine annealing (PyTorch's <c>CosineAnnealingLR</c>, the annealing half of SGDR): the learning rate
/// follows half a cosine from the base down to <see cref="EtaMin"/> over <see cref="TMax"/> epochs:
/// lr = ηmin + (base − ηmin) · (1 + cos(π · epoch / Tmax)) / 2. Past Tmax it climbs back along the same
/// cosine, as PyTorch's does.
/// </summary>
/// <remarks>
/// This is PyTorch's closed form. PyTorch's <c>step()</c> computes the same curve recursively, multiplying
/// the previous learning rate by (1 + cos(π·t/T)) / (1 + cos(π·(t − 1)/T)); that accumulates one rounding
/// per epoch (agreement with the closed form is ~1e-15 relative over the tests' epochs) and special-cases
/// the epoch after each minimum, where the ratio would be 0/0. The closed form needs neither.
/// </remarks>
/// <param name="optimizer">The optimiser whose learning rate is set.</param>
/// <param name="tMax">The number of epochs from the base learning rate down to <paramref name="etaMin"/> (≥ 1).</param>
/// <param name="etaMin">The minimum learning rate (≥ 0).</param>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="tMax"/> is below 1, or <paramref name="etaMin"/> negative or not finite.</exception>
public sealed class CosineAnnealingLr(Optimizer optimizer, int tMax, double etaMin = 0) : LrScheduler(optimizer)
{
    /// <summary>The number of epochs of the descent (PyTorch's <c>T_max</c>).</summary>
    public int TMax { get; } = Require.Positive(tMax, nameof(tMax), nameof(CosineAnnealingLr));

    /// <summary>The minimum learning rate (PyTorch's <c>eta_min</c>).</summary>
    public double EtaMin { get; } = Require.NonNegative(etaMin, nameof(etaMin), nameof(CosineAnnealingLr));

    private protected override void AddHyperparameters(OrderedDictionary<string, double> hyperparameters)
    {
        hyperparameters["T_max"] = TMax;
        hyperparameters["eta_min"] = EtaMin;
    }

    /// <inheritdoc/>
    public override double LrAt(int epoch, double baseLr) =>
        EtaMin + (baseLr - EtaMin) * (1 + Trigonometry.CosPi((double)epoch / TMax)) / 2; // MiniNet's cos(πx): the same on every platform
}
