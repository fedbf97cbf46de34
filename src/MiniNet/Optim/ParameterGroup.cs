using System.Collections.ObjectModel;

namespace MiniNet.Optim;

/// <summary>
/// Parameters that share a learning rate and a weight decay inside one optimiser: an entry of PyTorch's
/// <c>param_groups</c>. Typical uses: no weight decay on biases, or a smaller learning rate for layers
/// being fine-tuned. A value not given here takes the optimiser's when the group is passed to it; the
/// other hyper-parameters (momentum, betas, …) belong to the optimiser and are shared by all its groups.
/// </summary>
/// <example>
/// <code>
/// var optimizer = new AdamW([new ParameterGroup(weights), new ParameterGroup(biases, weightDecay: 0)], lr: 1e-3);
/// </code>
/// </example>
public sealed class ParameterGroup
{
    private readonly Tensor[] _parameters;
    private double? _lr;
    private double? _weightDecay;

    /// <summary>A group of <paramref name="parameters"/>, with its own learning rate and weight decay where given.</summary>
    /// <param name="parameters">The group's parameters: leaves that require grad, each in one group only (checked by the optimiser).</param>
    /// <param name="lr">The group's learning rate, or null for the optimiser's.</param>
    /// <param name="weightDecay">The group's weight decay, or null for the optimiser's.</param>
    /// <exception cref="ArgumentOutOfRangeException">A given value is negative or not finite.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or one of its tensors is null.</exception>
    public ParameterGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weightDecay = null)
        : this(parameters, nameof(ParameterGroup))
    {
        if (lr is double learningRate) _lr = Require.NonNegative(learningRate, nameof(lr), nameof(ParameterGroup));
        if (weightDecay is double decay) _weightDecay = Require.NonNegative(decay, nameof(weightDecay), nameof(ParameterGroup));
    }

    /// <summary>The one group an optimiser makes of a plain parameter list; <paramref name="owner"/> (the optimiser) names it in errors.</summary>
    internal ParameterGroup(IEnumerable<Tensor> parameters, string owner)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToArray();
        for (int i = 0; i < _parameters.Length; i++)
            if (_parameters[i] is null)
                throw new ArgumentNullException(nameof(parameters), $"{owner}: parameter {i} of {_parameters.Length} is null.");
        Parameters = new ReadOnlyCollection<Tensor>(_parameters);
        IsParameterList = owner != nameof(ParameterGroup); // the public constructor names itself; an optimiser names itself
    }

    /// <summary>True for the group an optimiser made of a plain parameter list, so that its errors name <c>parameters</c>.</summary>
    internal bool IsParameterList { get; }

    /// <summary>The parameters, in the order given.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The group's learning rate (PyTorch's <c>group['lr']</c>); learning-rate schedules set it at every step.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    /// <exception cref="InvalidOperationException">Read before the group was given a value or passed to an optimiser.</exception>
    public double Lr
    {
        get => _lr ?? throw NotYetSet(nameof(Lr));
        set => _lr = Require.NonNegative(value, nameof(Lr), nameof(ParameterGroup));
    }

    /// <summary>The group's weight decay (an L2 penalty for SGD, Adam and RMSprop; decoupled decay for AdamW).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    /// <exception cref="InvalidOperationException">Read before the group was given a value or passed to an optimiser.</exception>
    public double WeightDecay
    {
        get => _weightDecay ?? throw NotYetSet(nameof(WeightDecay));
        set => _weightDecay = Require.NonNegative(value, nameof(WeightDecay), nameof(ParameterGroup));
    }

    /// <summary>The learning rate when the first schedule was attached (PyTorch's <c>initial_lr</c>): every schedule's base.</summary>
    internal double? InitialLr { get; set; }

    internal Tensor[] ParameterArray => _parameters;

    /// <summary>Fills in the values the group was not given with its optimiser's (PyTorch's <c>setdefault</c>).</summary>
    internal void TakeDefaults(double learningRate, double weightDecay)
    {
        _lr ??= learningRate;
        _weightDecay ??= weightDecay;
    }

    private static InvalidOperationException NotYetSet(string property) =>
        new($"ParameterGroup: {property} was not given, so it takes the optimiser's value once the group is passed to an optimiser; read it after that.");
}
