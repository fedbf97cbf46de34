using MiniNet.Kernels;

namespace MiniNet;

/// <summary>
/// Where a backward rule adds its inputs' gradients. A leaf's gradient accumulates in its
/// <see cref="Tensor.Grad"/>; an intermediate tensor's in a buffer the engine hands to the op that produced it.
/// </summary>
public sealed class Gradients
{
    // GradCheck's diagnosis runs one rule alone and collects what it produces here instead.
    private readonly Dictionary<Tensor, Tensor>? _isolated;

    internal Gradients(bool isolated = false)
    {
        if (isolated) _isolated = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
    }

    /// <summary>The op whose rule is running, for error messages.</summary>
    internal string CurrentOp { get; set; } = "";

    /// <summary>True when <paramref name="input"/> takes a gradient: rules skip the work for inputs that do not.</summary>
    public bool Needs(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.RequiresGrad;
    }

    /// <summary>
    /// Adds <paramref name="contribution"/> to <paramref name="input"/>'s gradient. A contribution of a
    /// broadcast shape (the op's output shape) is summed back to the input's own shape.
    /// </summary>
    /// <exception cref="InvalidOperationException">The contribution's dtype or shape cannot belong to this input (a bug in a rule).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="contribution"/> is null.</exception>
    public void Accumulate(Tensor input, Tensor contribution)
    {
        ArgumentNullException.ThrowIfNull(contribution);
        if (!Needs(input)) return;
        if (contribution.DType != input.DType)
            throw new InvalidOperationException(
                $"Backward of {CurrentOp}: gradient for an input of {input.DType} is {contribution.DType}.");
        if (contribution.Shape != input.Shape && !input.Shape.BroadcastsTo(contribution.Shape))
            throw new InvalidOperationException(
                $"Backward of {CurrentOp}: gradient of shape {contribution.Shape} cannot be summed to the input's shape {input.Shape}.");
        DTypeDispatch.Run(input.DType, new SumIntoKernel(contribution, Buffer(input)));
    }

    /// <summary>buffer += contribution summed over the dimensions the buffer broadcasts.</summary>
    private readonly struct SumIntoKernel(Tensor contribution, Tensor buffer) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Broadcasting.SumInto(contribution.Span<T>(), contribution.Shape, buffer.Span<T>(), buffer.Shape);
    }

    /// <summary>
    /// The buffer, of the input's shape, in which its gradient accumulates; zeros when first asked for.
    /// Kernels add into it directly (for example MatMul's backward, as a GEMM with accumulation).
    /// </summary>
    internal Tensor Buffer(Tensor input)
    {
        if (_isolated is not null)
        {
            if (!_isolated.TryGetValue(input, out var isolated))
                _isolated[input] = isolated = Tensor.Zeros(input.Shape, input.DType);
            return isolated;
        }
        if (input.IsLeaf && input.GradientObserver is not null) Observe(input);
        if (input.IsLeaf && !input.HasGradHooks)
            return input.Grad ?? input.NewGradBuffer(clear: true);
        if (input.IsLeaf) return input.PendingGrad ?? HookedLeafBuffer(input, clear: true);
        return input.PendingGrad ??= GradientPool.Rent(input.Shape, input.DType, clear: true);
    }

    // Leaves with gradient hooks whose gradient this pass is gathering apart from Grad, for the hooks to see it whole.
    private List<Tensor>? _hookedLeaves;

    /// <summary>A hooked leaf's gradient for this pass, in a tensor of its own: the hooks may keep it.</summary>
    private Tensor HookedLeafBuffer(Tensor leaf, bool clear)
    {
        (_hookedLeaves ??= []).Add(leaf);
        return leaf.PendingGrad = clear ? Tensor.Zeros(leaf.Shape, leaf.DType) : Tensor.Uninitialized(leaf.Shape, leaf.DType);
    }

    // Leaves with a gradient observer that this pass gave a gradient, each once.
    private List<Tensor>? _observedLeaves;

    private void Observe(Tensor leaf)
    {
        _observedLeaves ??= [];
        foreach (var observed in _observedLeaves)
            if (ReferenceEquals(observed, leaf)) return;
        _observedLeaves.Add(leaf);
    }

    /// <summary>
    /// The end of a pass: each hooked leaf's gradient goes through its hooks, then into its <see cref="Tensor.Grad"/>
    /// (copied when there was none, so the bits are those an unhooked pass would have stored); then the observers see
    /// their leaves' gradients.
    /// </summary>
    internal void FinishLeaves()
    {
        if (_hookedLeaves is not null)
        {
            foreach (var leaf in _hookedLeaves)
            {
                var gradient = leaf.PendingGrad!;
                leaf.PendingGrad = null;
                gradient = leaf.RunGradHooks(gradient);
                if (leaf.Grad is null) Array.Copy(gradient.StorageArray, leaf.NewGradBuffer(clear: false).StorageArray, gradient.ElementCount);
                else DTypeDispatch.Run(leaf.DType, new SumIntoKernel(gradient, leaf.Grad));
            }
            _hookedLeaves.Clear();
        }
        if (_observedLeaves is not null)
        {
            foreach (var leaf in _observedLeaves) leaf.GradientObserver?.Invoke(leaf);
            _observedLeaves.Clear();
        }
    }

    /// <summary>After a pass that failed: drops the hooked leaves' partial gradients, and observes nothing.</summary>
    internal void ForgetLeaves()
    {
        _observedLeaves?.Clear();
        if (_hookedLeaves is null) return;
        foreach (var leaf in _hookedLeaves) leaf.PendingGrad = null;
        _hookedLeaves.Clear();
    }

    /// <summary>
    /// The buffer for a rule that computes every element of <paramref name="input"/>'s gradient. When none has
    /// accumulated yet, a fresh one left uninitialised and <paramref name="accumulate"/> false: the rule stores
    /// its gradient rather than adding it to zeros written first — for a large tensor, one pass over memory
    /// instead of three. Otherwise <see cref="Buffer"/>'s buffer and <paramref name="accumulate"/> true.
    /// </summary>
    internal Tensor BufferToWrite(Tensor input, out bool accumulate)
    {
        if (_isolated is null && input.IsLeaf && input.GradientObserver is not null) Observe(input);
        bool intoGrad = input.IsLeaf && !input.HasGradHooks;
        accumulate = _isolated is not null || (intoGrad ? input.Grad : input.PendingGrad) is not null;
        if (accumulate) return Buffer(input);
        if (intoGrad) return input.NewGradBuffer(clear: false);
        if (input.IsLeaf) return HookedLeafBuffer(input, clear: false);
        return input.PendingGrad = GradientPool.Rent(input.Shape, input.DType, clear: false);
    }

    /// <summary>In isolation mode, the gradient a rule produced for <paramref name="input"/>, or null if none.</summary>
    internal Tensor? Isolated(Tensor input) => _isolated!.GetValueOrDefault(input);
}
