namespace MiniNet.Optim;

/// <summary>
/// Adam (PyTorch's <c>torch.optim.Adam</c>, same formulas, operation order, names and defaults). For each
/// parameter θ with gradient g, at its step t:
/// <code>
/// d ← g (−g when maximize) + weightDecay·θ
/// m ← β₁·m + (1 − β₁)·d            v ← β₂·v + (1 − β₂)·d²
/// AMSGrad: v̂ ← max(v̂, v), used below in place of v
/// θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps)
/// </code>
/// </summary>
/// <remarks>
/// Weight decay here is an L2 penalty folded into the gradient, so Adam rescales it like the gradient;
/// <see cref="AdamW"/> decays the weights directly, which is usually what is wanted.
/// </remarks>
public class Adam : Optimizer
{
    private readonly AdamState?[] _states;
    private readonly bool _decoupledWeightDecay;

    /// <summary>Adam over <paramref name="parameters"/> (leaves that require grad, each once).</summary>
    /// <param name="parameters">The parameters to optimise, typically a model's <c>Parameters()</c>.</param>
    /// <param name="lr">The learning rate (≥ 0).</param>
    /// <param name="beta1">The decay of the first-moment average, in [0, 1).</param>
    /// <param name="beta2">The decay of the second-moment average, in [0, 1).</param>
    /// <param name="eps">Added to the denominator for stability (≥ 0).</param>
    /// <param name="weightDecay">The L2 penalty (≥ 0), added to the gradient as weightDecay·θ.</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad, "On the Convergence of Adam and Beyond").</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentException">A parameter is not a leaf, does not require grad, or appears twice; or the list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range or not finite.</exception>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this([new ParameterGroup(parameters, nameof(Adam))], lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <summary>Adam over parameter groups, each with its own learning rate and weight decay (or this optimiser's).</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate of groups that give none.</param>
    /// <param name="beta1">The decay of the first-moment average, in [0, 1).</param>
    /// <param name="beta2">The decay of the second-moment average, in [0, 1).</param>
    /// <param name="eps">Added to the denominator for stability (≥ 0).</param>
    /// <param name="weightDecay">The L2 penalty of groups that give none.</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentException">A parameter is not a leaf, does not require grad, or appears twice; or a group is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range or not finite.</exception>
    public Adam(IEnumerable<ParameterGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(nameof(Adam), decoupledWeightDecay: false, groups, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <summary>Adam, or with <paramref name="decoupledWeightDecay"/> AdamW: the two differ only in how weight decay enters.</summary>
    private protected Adam(string name, bool decoupledWeightDecay, IEnumerable<ParameterGroup> groups, double lr, double beta1, double beta2,
        double eps, double weightDecay, bool amsgrad, bool maximize)
        : base(groups, lr, weightDecay, () => AdamState.CheckOptions(name, beta1, beta2, eps))
    {
        _decoupledWeightDecay = decoupledWeightDecay;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        Amsgrad = amsgrad;
        Maximize = maximize;
        _states = new AdamState?[Parameters.Count];
    }

    /// <summary>β₁, the decay of the first-moment average.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the second-moment average.</summary>
    public double Beta2 { get; }

    /// <summary>The term added to the denominator.</summary>
    public double Eps { get; }

    /// <summary>Whether AMSGrad's running maximum of v is used.</summary>
    public bool Amsgrad { get; }

    /// <summary>Whether the objective is maximised.</summary>
    public bool Maximize { get; }

    /// <summary>The state of <paramref name="parameter"/> (its step count and moments), or null before its first step. The live state, not a copy.</summary>
    /// <exception cref="ArgumentException">The tensor is not one of this optimiser's parameters.</exception>
    public AdamState? StateOf(Tensor parameter) => _states[IndexOf(parameter)];

    private protected sealed override void AddOptions(OrderedDictionary<string, double> options)
    {
        options["beta1"] = Beta1;
        options["beta2"] = Beta2;
        options["eps"] = Eps;
        options["amsgrad"] = Flag(Amsgrad);
        options["maximize"] = Flag(Maximize);
    }

    private protected sealed override string[] StateNames => AdamState.Names(Amsgrad);

    private protected sealed override Dictionary<string, Tensor>? ExportState(int index) =>
        _states[index] is { } state ? state.Export(StepTensor(state.Step)) : null;

    private protected sealed override void ImportState(int index, IReadOnlyDictionary<string, Tensor>? state) =>
        _states[index] = state is null ? null : new AdamState(StepOf(state[StepName]), state);

    private protected sealed override void Update(ParameterGroup group, int index, Tensor parameter, Tensor gradient)
    {
        var state = _states[index] ??= new AdamState(parameter, Amsgrad);
        state.Advance(parameter, gradient, group.Lr, Beta1, Beta2, Eps,
            l2Penalty: _decoupledWeightDecay ? 0 : group.WeightDecay,
            decoupledDecay: _decoupledWeightDecay ? group.WeightDecay : 0, Amsgrad, Maximize);
    }
}
