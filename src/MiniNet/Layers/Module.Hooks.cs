namespace MiniNet.Layers;

/// <summary>
/// A forward pre-hook: called with the module and its input before <see cref="Module.Forward"/>; returns a tensor to
/// use as the input instead, or null to leave it (PyTorch's <c>register_forward_pre_hook</c>).
/// </summary>
public delegate Tensor? ForwardPreHook(Module module, Tensor input);

/// <summary>
/// A forward hook: called with the module, its input and its output after <see cref="Module.Forward"/>; returns a tensor
/// to use as the output instead, or null to leave it (PyTorch's <c>register_forward_hook</c>).
/// </summary>
public delegate Tensor? ForwardHook(Module module, Tensor input, Tensor output);

/// <summary>
/// A full backward hook: called during backward with the gradients at the module's input (null when the input does not
/// require grad) and at its output; returns a tensor to use as the input's gradient instead, or null to leave it
/// (PyTorch's <c>register_full_backward_hook</c>).
/// </summary>
public delegate Tensor? BackwardHook(Module module, Tensor? gradInput, Tensor gradOutput);

public abstract partial class Module
{
    private HookList<ForwardPreHook>? _forwardPreHooks;
    private HookList<ForwardHook>? _forwardHooks;
    private HookList<BackwardHook>? _backwardHooks;
    private bool _hasHooks; // stays true once a hook was registered: Call looks no further while it is false

    /// <summary>
    /// Runs the module, as PyTorch's <c>module(x)</c>: the forward pre-hooks, <see cref="Forward"/>, the forward hooks,
    /// and, while recording, the wiring that calls the backward hooks. Without hooks it is <see cref="Forward"/> and costs
    /// one test. <see cref="Sequential"/> calls its layers this way; call the modules your own modules hold this way too,
    /// or their hooks will not see them.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="InvalidOperationException">A hook returned a tensor that cannot stand for what it replaces.</exception>
    public Tensor Call(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _hasHooks ? CallWithHooks(input) : Forward(input);
    }

    /// <summary>
    /// Registers a hook called before every <see cref="Call"/> with the input; it may return a replacement input, which
    /// the next hook and <see cref="Forward"/> receive. It runs under <see cref="Tape.NoGrad"/> too, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="hook"/> is null.</exception>
    public HookHandle RegisterForwardPreHook(ForwardPreHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return AddHook(ref _forwardPreHooks, hook);
    }

    /// <summary>
    /// Registers a hook called after every <see cref="Call"/> with the input and the output; it may return a replacement
    /// output, which the next hook and the caller receive. It runs under <see cref="Tape.NoGrad"/> too, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="hook"/> is null.</exception>
    public HookHandle RegisterForwardHook(ForwardHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return AddHook(ref _forwardHooks, hook);
    }

    /// <summary>
    /// Registers a full backward hook, as PyTorch's <c>register_full_backward_hook</c>: once backward has computed the
    /// gradient at the input of a call (at its output, when the input does not require grad), the hook receives both
    /// and may return a replacement gradient for the input. A call that records (not under <see cref="Tape.NoGrad"/>,
    /// with an input or parameter that requires grad) puts an identity op before and after <see cref="Forward"/>, as
    /// PyTorch does, and runs the hooks registered at the time of the call.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="hook"/> is null.</exception>
    public HookHandle RegisterFullBackwardHook(BackwardHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return AddHook(ref _backwardHooks, hook);
    }

    private HookHandle AddHook<THook>(ref HookList<THook>? hooks, THook hook) where THook : Delegate
    {
        if (hooks is null) Interlocked.CompareExchange(ref hooks, new HookList<THook>(), null);
        var handle = hooks.Add(hook);
        _hasHooks = true;
        return handle;
    }

    private Tensor CallWithHooks(Tensor input)
    {
        if (_forwardPreHooks?.Current is { Length: > 0 } preHooks)
            foreach (var registration in preHooks)
                if (registration.Hook(this, input) is { } replacement) input = replacement;

        BackwardHookCall? backward = null;
        if (_backwardHooks?.Current is { Length: > 0 } backwardHooks && Tape.IsRecording)
        {
            backward = new BackwardHookCall(this, backwardHooks);
            input = backward.WrapInput(input);
        }

        var output = Forward(input) ?? throw new InvalidOperationException($"{Where}: Forward returned null; it must return the module's output.");

        if (_forwardHooks?.Current is { Length: > 0 } forwardHooks)
            foreach (var registration in forwardHooks)
                if (registration.Hook(this, input, output) is { } replacement) output = replacement;

        return backward is null ? output : backward.WrapOutput(output);
    }

    /// <summary>
    /// One recording call of a module with full backward hooks: identity ops on its input and output (PyTorch's
    /// <c>BackwardHookFunction</c>). Backward reaches the output's first and keeps the gradient there; then the input's,
    /// where the hooks run and may replace the gradient that goes on to the input.
    /// </summary>
    private sealed class BackwardHookCall(Module module, HookList<BackwardHook>.Registration[] hooks)
    {
        private const string OpName = "BackwardHookFunction";
        private Tensor? _gradOutput;
        private bool _inputWrapped;

        public Tensor WrapInput(Tensor input)
        {
            if (!input.RequiresGrad) return input;
            _inputWrapped = true;
            return Tape.RecordKeepingGradient(OpName, Alias(input), [input], (gradient, grads) =>
            {
                if (_gradOutput is null)
                    throw new InvalidOperationException(
                        $"Backward: the backward hook of {module.Where} was reached at its input before its output: a gradient flows into the " +
                        "module's input without passing through its output (a tensor computed inside Forward was used outside it).");
                var gradInput = gradient;
                foreach (var registration in hooks)
                {
                    if (registration.Hook(module, gradInput, _gradOutput) is not { } replacement) continue;
                    if (replacement.Shape != input.Shape || replacement.DType != input.DType)
                        throw new InvalidOperationException(
                            $"Backward: a backward hook of {module.Where} returned a gradient of shape {replacement.Shape} ({replacement.DType}) " +
                            $"for an input of shape {input.Shape} ({input.DType}); it may replace the gradient only with one of the same shape and dtype.");
                    gradInput = replacement;
                }
                _gradOutput = null;
                grads.Accumulate(input, gradInput);
            });
        }

        public Tensor WrapOutput(Tensor output)
        {
            if (!output.RequiresGrad) return output;
            return Tape.RecordKeepingGradient(OpName, Alias(output), [output], (gradient, grads) =>
            {
                _gradOutput = gradient;
                if (!_inputWrapped)
                {
                    // No input requires grad: the hooks learn the output's gradient now, and have no input gradient to replace.
                    foreach (var registration in hooks)
                        if (registration.Hook(module, null, gradient) is not null)
                            throw new InvalidOperationException(
                                $"Backward: a backward hook of {module.Where} returned a gradient for an input that does not require grad; " +
                                "where the input takes no gradient a backward hook must return null.");
                    _gradOutput = null;
                }
                grads.Accumulate(output, gradient);
            });
        }

        /// <summary>A tensor of the same elements and version (a view), to carry the identity op's entry.</summary>
        private static Tensor Alias(Tensor tensor) => tensor.Detach();
    }
}
