namespace MiniNet.Optim;

/// <summary>
/// One entry of PyTorch's <c>param_groups</c> in an <see cref="OptimizerState"/>: the indices of the group's parameters
/// and its hyper-parameters by PyTorch's names, all numbers.
/// </summary>
/// <remarks>
/// The names: <c>lr</c>, <c>weight_decay</c> and, once a schedule is attached, <c>initial_lr</c> (the group's own,
/// restored by <see cref="Optimizer.LoadStateDict"/>); then the optimiser's, repeated in every group as PyTorch does and
/// checked on loading (MiniNet fixes them at construction): <c>momentum</c>, <c>dampening</c>, <c>nesterov</c> (SGD);
/// <c>beta1</c>, <c>beta2</c>, <c>eps</c>, <c>amsgrad</c> (Adam, AdamW); <c>alpha</c>, <c>eps</c>, <c>momentum</c>,
/// <c>centered</c> (RMSprop); <c>maximize</c> (all). Two departures make every value a number: PyTorch's <c>betas</c>
/// pair is <c>beta1</c> and <c>beta2</c>, as MiniNet's constructors name them, and a flag is 1 or 0 (as in Python,
/// where True == 1).
/// </remarks>
public sealed class ParamGroupState
{
    /// <summary>A group from its parts.</summary>
    /// <param name="params">The indices of the group's parameters in the optimiser's <see cref="Optimizer.Parameters"/> (PyTorch's <c>params</c>).</param>
    /// <param name="hyperparameters">The hyper-parameters by PyTorch's names.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ParamGroupState(IReadOnlyList<int> @params, IReadOnlyDictionary<string, double> hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(@params, nameof(@params));
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Params = [.. @params];
        var copied = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in hyperparameters) copied.Add(name, value);
        Hyperparameters = copied;
    }

    /// <summary>The indices of the group's parameters (PyTorch's <c>params</c>).</summary>
    public IReadOnlyList<int> Params { get; }

    /// <summary>The hyper-parameters by PyTorch's names (see the remarks), in the order given.</summary>
    public IReadOnlyDictionary<string, double> Hyperparameters { get; }
}
