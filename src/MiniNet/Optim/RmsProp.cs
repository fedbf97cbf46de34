using MiniNet.Kernels;

namespace MiniNet.Optim;

/// <summary>
/// RMSprop (PyTorch's <c>torch.optim.RMSprop</c>, same formulas, names and defaults). For each parameter θ
/// with gradient g:
/// <code>
/// d ← g (−g when maximize) + weightDecay·θ
/// s ← α·s + (1 − α)·d²
/// centred: a ← α·a + (1 − α)·d,  r ← √(s − a²) + eps;   otherwise r ← √s + eps
/// with momentum μ: b ← μ·b + d / r,  θ ← θ − lr·b;      otherwise θ ← θ − lr·d / r
/// </code>
/// </summary>
/// <remarks>
/// Two deliberate differences from PyTorch, both where PyTorch would produce NaN from finite input:
/// α must lie in [0, 1] (PyTorch accepts any α ≥ 0, and α &gt; 1 makes s negative), and the centred
/// variance s − a² is clamped at 0 before the root (rounding can make it −1 ulp after many equal gradients).
/// </remarks>
public sealed class RmsProp : Optimizer
{
    private readonly RmsPropState?[] _states;

    /// <summary>RMSprop over <paramref name="parameters"/> (leaves that require grad, each once).</summary>
    /// <param name="parameters">The parameters to optimise, typically a model's <c>Parameters()</c>.</param>
    /// <param name="lr">The learning rate (≥ 0).</param>
    /// <param name="alpha">The smoothing constant of the squared-gradient average, in [0, 1].</param>
    /// <param name="eps">Added to the denominator for stability (≥ 0).</param>
    /// <param name="weightDecay">The L2 penalty (≥ 0), added to the gradient as weightDecay·θ.</param>
    /// <param name="momentum">The momentum factor (≥ 0); 0 turns momentum off.</param>
    /// <param name="centered">Normalise by the estimated variance of the gradient instead of its second moment.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentException">A parameter is not a leaf, does not require grad, or appears twice; or the list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range or not finite.</exception>
    public RmsProp(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : this([new ParameterGroup(parameters, nameof(RmsProp))], lr, alpha, eps, weightDecay, momentum, centered, maximize)
    {
    }

    /// <summary>RMSprop over parameter groups, each with its own learning rate and weight decay (or this optimiser's).</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate of groups that give none.</param>
    /// <param name="alpha">The smoothing constant of the squared-gradient average, in [0, 1].</param>
    /// <param name="eps">Added to the denominator for stability (≥ 0).</param>
    /// <param name="weightDecay">The L2 penalty of groups that give none.</param>
    /// <param name="momentum">The momentum factor (≥ 0); 0 turns momentum off.</param>
    /// <param name="centered">Normalise by the estimated variance of the gradient instead of its second moment.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentException">A parameter is not a leaf, does not require grad, or appears twice; or a group is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range or not finite.</exception>
    public RmsProp(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(groups, lr, weightDecay, () => CheckOptions(alpha, eps, momentum))
    {
        Alpha = alpha;
        Eps = eps;
        Momentum = momentum;
        Centered = centered;
        Maximize = maximize;
        _states = new RmsPropState?[Parameters.Count];
    }

    /// <summary>α, the smoothing constant.</summary>
    public double Alpha { get; }

    /// <summary>The term added to the denominator.</summary>
    public double Eps { get; }

    /// <summary>The momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Whether the gradient is normalised by its estimated variance.</summary>
    public bool Centered { get; }

    /// <summary>Whether the objective is maximised.</summary>
    public bool Maximize { get; }

    /// <summary>The state of <paramref name="parameter"/>, or null before its first step. The live state, not a copy.</summary>
    /// <exception cref="ArgumentException">The tensor is not one of this optimiser's parameters.</exception>
    public RmsPropState? StateOf(Tensor parameter) => _states[IndexOf(parameter)];

    private protected override void Update(ParameterGroup group, int index, Tensor parameter, Tensor gradient)
    {
        var state = _states[index] ??= new RmsPropState(parameter, Momentum != 0, Centered);
        state.Step++;
        var op = new RmsPropUpdateOp(group.Lr, Alpha, Eps, group.WeightDecay, Momentum, Centered, Maximize);
        RunUpdate(parameter, gradient, state.SquareAvg, state.MomentumBuffer, state.GradAvg, op);
    }

    private protected override void AddOptions(OrderedDictionary<string, double> options)
    {
        options["alpha"] = Alpha;
        options["eps"] = Eps;
        options["momentum"] = Momentum;
        options["centered"] = Flag(Centered);
        options["maximize"] = Flag(Maximize);
    }

    private protected override string[] StateNames => RmsPropState.Names(Momentum != 0, Centered);

    private protected override Dictionary<string, Tensor>? ExportState(int index) =>
        _states[index] is { } state ? state.Export(StepTensor(state.Step)) : null;

    private protected override void ImportState(int index, IReadOnlyDictionary<string, Tensor>? state) =>
        _states[index] = state is null ? null : new RmsPropState(StepOf(state[StepName]), state);

    private static void CheckOptions(double alpha, double eps, double momentum)
    {
        Require.Fraction(alpha, nameof(alpha), nameof(RmsProp), oneAllowed: true);
        Require.NonNegative(eps, nameof(eps), nameof(RmsProp));
        Require.NonNegative(momentum, nameof(momentum), nameof(RmsProp));
    }
}

/// <summary>The state RMSprop keeps for one parameter (PyTorch's <c>state[p]</c>).</summary>
public sealed class RmsPropState
{
    internal RmsPropState(Tensor parameter, bool momentum, bool centered)
    {
        SquareAvg = Tensor.Zeros(parameter.Shape, parameter.DType);
        if (momentum) MomentumBuffer = Tensor.Zeros(parameter.Shape, parameter.DType);
        if (centered) GradAvg = Tensor.Zeros(parameter.Shape, parameter.DType);
    }

    /// <summary>A state restored from <paramref name="tensors"/> (checked: the names of <see cref="Names"/>, the parameter's shape and dtype), copied.</summary>
    internal RmsPropState(int step, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Step = step;
        SquareAvg = tensors["square_avg"].Copy();
        if (tensors.TryGetValue("momentum_buffer", out var buffer)) MomentumBuffer = buffer.Copy();
        if (tensors.TryGetValue("grad_avg", out var gradAvg)) GradAvg = gradAvg.Copy();
    }

    /// <summary>The names of the tensors of a state, as PyTorch's, for these options.</summary>
    internal static string[] Names(bool momentum, bool centered) => (momentum, centered) switch
    {
        (false, false) => ["step", "square_avg"],
        (true, false) => ["step", "square_avg", "momentum_buffer"],
        (false, true) => ["step", "square_avg", "grad_avg"],
        (true, true) => ["step", "square_avg", "momentum_buffer", "grad_avg"],
    };

    /// <summary>The live tensors by PyTorch's names, with <paramref name="step"/> as the count.</summary>
    internal Dictionary<string, Tensor> Export(Tensor step)
    {
        var tensors = new Dictionary<string, Tensor> { ["step"] = step, ["square_avg"] = SquareAvg };
        if (MomentumBuffer is not null) tensors["momentum_buffer"] = MomentumBuffer;
        if (GradAvg is not null) tensors["grad_avg"] = GradAvg;
        return tensors;
    }

    /// <summary>The number of steps this parameter has taken (it counts only steps where it had a gradient).</summary>
    public int Step { get; internal set; }

    /// <summary>The running average of the squared gradient s (PyTorch's <c>square_avg</c>).</summary>
    public Tensor SquareAvg { get; }

    /// <summary>The momentum buffer b (PyTorch's <c>momentum_buffer</c>), or null when momentum is 0.</summary>
    public Tensor? MomentumBuffer { get; }

    /// <summary>The running average of the gradient a when centred (PyTorch's <c>grad_avg</c>), or null.</summary>
    public Tensor? GradAvg { get; }
}
