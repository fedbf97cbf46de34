namespace MiniNet;

public sealed partial class Tensor
{
    private HookList<Func<Tensor, Tensor?>>? _gradHooks;

    /// <summary>
    /// Registers a hook that backward calls with this tensor's gradient once it is complete for the pass, as PyTorch's
    /// <c>Tensor.register_hook</c>: returning a tensor (of the same shape and dtype) replaces the gradient from there on,
    /// returning null leaves it. Hooks run in the order registered, each on the gradient the one before returned. For a
    /// result of an op the hook runs before the gradient flows on to the op's inputs (and before <see cref="RetainGrad"/>
    /// keeps it); for a leaf, at the end of the pass, before the gradient is added to <see cref="Grad"/>. Dispose the
    /// returned handle (or <see cref="HookHandle.Remove"/>) to take the hook off.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="hook"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The tensor does not require grad: no gradient will reach it.</exception>
    public HookHandle RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad)
            throw new InvalidOperationException(
                $"RegisterHook: this tensor of shape {Shape} does not require grad, so no gradient will reach it and the hook would never run. " +
                "Register hooks on parameters, on inputs with RequiresGrad = true, or on results computed from them.");
        if (_gradHooks is null) Interlocked.CompareExchange(ref _gradHooks, new HookList<Func<Tensor, Tensor?>>(), null);
        return _gradHooks.Add(hook);
    }

    /// <summary>True when a gradient hook is registered: backward hands the gradient to <see cref="RunGradHooks"/>.</summary>
    internal bool HasGradHooks => _gradHooks is { Current.Length: > 0 };

    /// <summary>Runs the gradient hooks on <paramref name="gradient"/> in order; returns the gradient the last one left.</summary>
    /// <exception cref="InvalidOperationException">A hook returned a tensor of another shape or dtype.</exception>
    internal Tensor RunGradHooks(Tensor gradient)
    {
        var hooks = _gradHooks!.Current;
        for (int i = 0; i < hooks.Length; i++)
        {
            var replacement = hooks[i].Hook(gradient);
            if (replacement is null) continue;
            if (replacement.Shape != Shape || replacement.DType != DType)
                throw new InvalidOperationException(
                    $"Backward: gradient hook {i + 1} of {hooks.Length} on a tensor of shape {Shape} ({DType}) returned a gradient of shape " +
                    $"{replacement.Shape} ({replacement.DType}); a hook may replace the gradient only with one of the same shape and dtype.");
            gradient = replacement;
        }
        return gradient;
    }

    /// <summary>
    /// Called with this leaf at the end of every backward pass that gave it a gradient, once its <see cref="Grad"/> holds
    /// the pass's share (a training monitor reads the gradient the optimiser will step with). Unlike a hook it changes
    /// nothing about how the gradient is gathered, and costs nothing on a leaf without one.
    /// </summary>
    internal Action<Tensor>? GradientObserver { get; set; }

    /// <summary>Drops the gradient hooks: a <see cref="StepArena"/> tensor handed out again is a new result.</summary>
    private void ClearGradHooks() => _gradHooks = null;
}
