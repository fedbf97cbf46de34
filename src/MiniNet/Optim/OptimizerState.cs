namespace MiniNet.Optim;

/// <summary>
/// An optimiser's state, as PyTorch's <c>optimizer.state_dict()</c>: <see cref="State"/> maps each parameter's index
/// (its position in <see cref="Optimizer.Parameters"/>) to its tensors under PyTorch's names, and
/// <see cref="ParamGroups"/> holds each group's hyper-parameters and the indices of its parameters. What
/// <see cref="Optimizer.StateDict"/> returns and <see cref="Optimizer.LoadStateDict"/> restores, bit for bit;
/// <see cref="Serialization.Checkpoint"/> writes it to a safetensors file (the tensors as <c>optimizer.state.{i}.{name}</c>).
/// </summary>
/// <remarks>
/// <para>The per-parameter tensors are those PyTorch keeps: <c>momentum_buffer</c> (SGD with momentum; RMSprop with
/// momentum), <c>step</c>, <c>exp_avg</c>, <c>exp_avg_sq</c> and, with AMSGrad, <c>max_exp_avg_sq</c> (Adam, AdamW),
/// <c>step</c>, <c>square_avg</c> and, when centred, <c>grad_avg</c> (RMSprop). <c>step</c> is a scalar tensor, as in
/// PyTorch (float64 here, so every count up to 2⁵³ is exact; PyTorch's float32 reads too). A parameter that has not
/// taken a step has no entry.</para>
/// <para><see cref="Optimizer.StateDict"/> returns a snapshot: its tensors are copies, so later steps do not change it
/// (PyTorch hands out its live tensors); <see cref="Optimizer.LoadStateDict"/> copies them in turn.</para>
/// </remarks>
public sealed class OptimizerState
{
    /// <summary>A state from its parts, for example as read from a file; <see cref="Optimizer.LoadStateDict"/> checks it against the optimiser.</summary>
    /// <param name="kind">The optimiser's class name: <c>Sgd</c>, <c>Adam</c>, <c>AdamW</c> or <c>RmsProp</c>.</param>
    /// <param name="state">Each parameter's tensors by name, keyed by the parameter's index (PyTorch's <c>state</c>).</param>
    /// <param name="paramGroups">The groups, in order (PyTorch's <c>param_groups</c>).</param>
    /// <exception cref="ArgumentNullException">An argument, a parameter's state, one of its tensors or a group is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is empty.</exception>
    public OptimizerState(string kind, IReadOnlyDictionary<int, IReadOnlyDictionary<string, Tensor>> state, IReadOnlyList<ParamGroupState> paramGroups)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(paramGroups);
        var copied = new SortedDictionary<int, IReadOnlyDictionary<string, Tensor>>();
        foreach (var (index, tensors) in state)
        {
            if (tensors is null) throw new ArgumentNullException(nameof(state), $"OptimizerState: the state of parameter {index} is null.");
            var named = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, tensor) in tensors)
                named.Add(name, tensor ?? throw new ArgumentNullException(nameof(state), $"OptimizerState: state.{index}.{name} is null."));
            copied.Add(index, named);
        }
        for (int g = 0; g < paramGroups.Count; g++)
            if (paramGroups[g] is null)
                throw new ArgumentNullException(nameof(paramGroups), $"OptimizerState: parameter group {g} of {paramGroups.Count} is null.");
        Kind = kind;
        State = copied;
        ParamGroups = [.. paramGroups];
    }

    /// <summary>The optimiser's class name (<c>Sgd</c>, <c>Adam</c>, <c>AdamW</c>, <c>RmsProp</c>): a state loads only into its own kind.</summary>
    public string Kind { get; }

    /// <summary>Each parameter's tensors by PyTorch's names (<c>exp_avg</c>, <c>step</c>, …), by parameter index, in index order; parameters without state are absent.</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, Tensor>> State { get; }

    /// <summary>The parameter groups, in order (PyTorch's <c>param_groups</c>).</summary>
    public IReadOnlyList<ParamGroupState> ParamGroups { get; }
}
