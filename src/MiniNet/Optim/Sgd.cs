using MiniNet.Kernels;

namespace MiniNet.Optim;

/// <summary>
/// Stochastic gradient descent, optionally with momentum (PyTorch's <c>torch.optim.SGD</c>, same formulas,
/// names and defaults). For each parameter θ with gradient g:
/// <code>
/// d ← g (−g when maximize) + weightDecay·θ
/// with momentum μ:  b ← d on the first step, else μ·b + (1 − dampening)·d
///                   d ← d + μ·b (Nesterov) or b
/// θ ← θ − lr·d
/// </code>
/// </summary>
/// <remarks>
/// The default learning rate is PyTorch 2's 1e-3 (PyTorch 1.x had no default). The momentum buffer is
/// PyTorch's: the first step stores d itself, undamped.
/// </remarks>
public sealed class Sgd : Optimizer
{
    private const string MomentumBufferName = "momentum_buffer";
    private readonly Tensor?[] _momentumBuffers;

    /// <summary>SGD over <paramref name="parameters"/> (leaves that require grad, each once).</summary>
    /// <param name="parameters">The parameters to optimise, typically a model's <c>Parameters()</c>.</param>
    /// <param name="lr">The learning rate (≥ 0).</param>
    /// <param name="momentum">The momentum factor μ (≥ 0); 0 turns momentum off.</param>
    /// <param name="dampening">Dampening τ of the momentum: the new gradient enters the buffer scaled by 1 − τ.</param>
    /// <param name="nesterov">Nesterov momentum; needs momentum &gt; 0 and dampening 0.</param>
    /// <param name="weightDecay">The L2 penalty (≥ 0), added to the gradient as weightDecay·θ.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentException">A parameter is not a leaf, does not require grad, or appears twice; or the list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range or not finite.</exception>
    public Sgd(IEnumerable<Tensor> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0,
        bool nesterov = false, double weightDecay = 0, bool maximize = false)
        : this([new ParameterGroup(parameters, nameof(Sgd))], lr, momentum, dampening, nesterov, weightDecay, maximize)
    {
    }

    /// <summary>SGD over parameter groups, each with its own learning rate and weight decay (or this optimiser's).</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate of groups that give none.</param>
    /// <param name="momentum">The momentum factor μ (≥ 0), shared by all groups.</param>
    /// <param name="dampening">Dampening τ of the momentum, shared by all groups.</param>
    /// <param name="nesterov">Nesterov momentum; needs momentum &gt; 0 and dampening 0.</param>
    /// <param name="weightDecay">The L2 penalty of groups that give none.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentException">A parameter is not a leaf, does not require grad, or appears twice; or a group is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range or not finite.</exception>
    public Sgd(IEnumerable<ParameterGroup> groups, double lr = 1e-3, double momentum = 0, double dampening = 0,
        bool nesterov = false, double weightDecay = 0, bool maximize = false)
        : base(groups, lr, weightDecay, () => CheckOptions(momentum, dampening, nesterov))
    {
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        Maximize = maximize;
        _momentumBuffers = new Tensor?[Parameters.Count];
    }

    /// <summary>The momentum factor μ.</summary>
    public double Momentum { get; }

    /// <summary>The dampening τ of the momentum.</summary>
    public double Dampening { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>Whether the objective is maximised.</summary>
    public bool Maximize { get; }

    /// <summary>
    /// The momentum buffer of <paramref name="parameter"/> (PyTorch's <c>state[p]['momentum_buffer']</c>):
    /// null before its first step and when momentum is 0. The live buffer, not a copy.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not one of this optimiser's parameters.</exception>
    public Tensor? MomentumBuffer(Tensor parameter) => _momentumBuffers[IndexOf(parameter)];

    private protected override void Update(ParameterGroup group, int index, Tensor parameter, Tensor gradient)
    {
        Tensor? buffer = null;
        bool firstStep = false;
        if (Momentum != 0)
        {
            buffer = _momentumBuffers[index];
            if (buffer is null)
            {
                _momentumBuffers[index] = buffer = Tensor.Zeros(parameter.Shape, parameter.DType);
                firstStep = true;
            }
        }
        var op = new SgdUpdateOp(group.Lr, group.WeightDecay, Momentum, Dampening, Nesterov, Maximize, firstStep);
        RunUpdate(parameter, gradient, buffer, null, null, op);
    }

    private protected override void AddOptions(OrderedDictionary<string, double> options)
    {
        options["momentum"] = Momentum;
        options["dampening"] = Dampening;
        options["nesterov"] = Flag(Nesterov);
        options["maximize"] = Flag(Maximize);
    }

    private protected override string[] StateNames => Momentum != 0 ? [MomentumBufferName] : [];

    private protected override Dictionary<string, Tensor>? ExportState(int index) =>
        _momentumBuffers[index] is { } buffer ? new() { [MomentumBufferName] = buffer } : null;

    private protected override void ImportState(int index, IReadOnlyDictionary<string, Tensor>? state) =>
        _momentumBuffers[index] = state?[MomentumBufferName].Copy();

    private static void CheckOptions(double momentum, double dampening, bool nesterov)
    {
        Require.NonNegative(momentum, nameof(momentum), nameof(Sgd));
        if (!double.IsFinite(dampening))
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, $"Sgd: dampening must be finite, got {dampening}.");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException(
                $"Sgd: Nesterov momentum needs momentum > 0 and dampening 0, got momentum {momentum} and dampening {dampening}.", nameof(nesterov));
    }
}
