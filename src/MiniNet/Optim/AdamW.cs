namespace MiniNet.Optim;

/// <summary>
/// AdamW (PyTorch's <c>torch.optim.AdamW</c>): Adam with decoupled weight decay ("Decoupled Weight Decay
/// Regularization", Loshchilov and Hutter). Before the Adam step the weights shrink directly,
/// <c>θ ← θ·(1 − lr·weightDecay)</c>, instead of the decay entering the gradient, where Adam's
/// normalisation would rescale it. Then, exactly as <see cref="Adam"/> without weight decay:
/// <code>
/// d ← g (−g when maximize)
/// m ← β₁·m + (1 − β₁)·d            v ← β₂·v + (1 − β₂)·d²
/// AMSGrad: v̂ ← max(v̂, v), used below in place of v
/// θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps)
/// </code>
/// The default weight decay is PyTorch's 1e-2. As in PyTorch 2, AdamW is an <see cref="Adam"/>.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over <paramref name="parameters"/> (leaves that require grad, each once).</summary>
    /// <param name="parameters">The parameters to optimise, typically a model's <c>Parameters()</c>.</param>
    /// <param name="lr">The learning rate (≥ 0).</param>
    /// <param name="beta1">The decay of the first-moment average, in [0, 1).</param>
    /// <param name="beta2">The decay of the second-moment average, in [0, 1).</param>
    /// <param name="eps">Added to the denominator for stability (≥ 0).</param>
    /// <param name="weightDecay">The decoupled weight decay (≥ 0): each step multiplies θ by 1 − lr·weightDecay.</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentException">A parameter is not a leaf, does not require grad, or appears twice; or the list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range or not finite.</exception>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this([new ParameterGroup(parameters, nameof(AdamW))], lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <summary>AdamW over parameter groups, each with its own learning rate and weight decay (or this optimiser's).</summary>
    /// <param name="groups">The parameter groups; a group of biases often takes <c>weightDecay: 0</c>.</param>
    /// <param name="lr">The learning rate of groups that give none.</param>
    /// <param name="beta1">The decay of the first-moment average, in [0, 1).</param>
    /// <param name="beta2">The decay of the second-moment average, in [0, 1).</param>
    /// <param name="eps">Added to the denominator for stability (≥ 0).</param>
    /// <param name="weightDecay">The decoupled weight decay of groups that give none.</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentException">A parameter is not a leaf, does not require grad, or appears twice; or a group is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range or not finite.</exception>
    public AdamW(IEnumerable<ParameterGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(nameof(AdamW), decoupledWeightDecay: true, groups, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    {
    }
}
