namespace MiniNet;

public sealed partial class Tensor
{
    /// <summary>
    /// Backpropagates from this single-element tensor (a loss): seeds its gradient with 1 and walks the
    /// tape in reverse, accumulating into <see cref="Grad"/> of every leaf that requires grad. Frees the
    /// graph it walked; use <see cref="Backward(Tensor?, bool)"/> with <c>retainGraph: true</c> to walk it again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor does not require grad, is not a single element, or its graph was already freed.</exception>
    public void Backward() => Tape.Backward(this, null, retainGraph: false);

    /// <summary>
    /// Backpropagates from this tensor with <paramref name="gradient"/> (∂L/∂this, same shape and dtype;
    /// null means 1 for a single-element tensor), as PyTorch's <c>backward(gradient, retain_graph)</c>.
    /// </summary>
    /// <param name="gradient">The seed gradient, or null for a single-element tensor.</param>
    /// <param name="retainGraph">Keep the graph so that another backward pass can walk it.</param>
    /// <exception cref="InvalidOperationException">The tensor does not require grad, or its graph was already freed, or no gradient was given for a tensor of several elements.</exception>
    /// <exception cref="ArgumentException">The gradient's shape or dtype differs from this tensor's.</exception>
    public void Backward(Tensor? gradient, bool retainGraph = false) => Tape.Backward(this, gradient, retainGraph);

    /// <summary>Backpropagates with a seed of 1, keeping the graph when <paramref name="retainGraph"/> is true.</summary>
    public void Backward(bool retainGraph) => Tape.Backward(this, null, retainGraph);

    // The backward pass that may write this tensor's gradient right now, or 0: see Tape's remarks on threads.
    private long _gradientClaim;

    /// <summary>Claims this tensor's gradient for backward pass <paramref name="pass"/>; false if another pass holds it.</summary>
    internal bool TryClaimGradient(long pass)
    {
        long holder = Interlocked.CompareExchange(ref _gradientClaim, pass, 0);
        return holder == 0 || holder == pass;
    }

    /// <summary>Gives the claim back, if <paramref name="pass"/> holds it.</summary>
    internal void ReleaseGradientClaim(long pass) => Interlocked.CompareExchange(ref _gradientClaim, 0, pass);

    /// <summary>A new tensor whose storage a <see cref="StepArena"/> hands out step after step.</summary>
    internal static Tensor ForArena(Shape shape, DType dtype) =>
        new(Allocate(shape, dtype, clear: false), shape, new VersionCounter { IsArenaOwned = true });

    /// <summary>The tape entry this tensor had in the arena's step before, for the op that computes it again to refill.</summary>
    internal TapeEntry? RecycledEntry { get; private set; }

    /// <summary>
    /// Makes this arena tensor a fresh result again for the step that takes it: live, a leaf without gradient, its
    /// former entry kept for reuse.
    /// </summary>
    internal void Reuse()
    {
        RecycledEntry = GradFn;
        GradFn = null;
        (_requiresGrad, _grad, _gradFromBackward, _spareGrad, PendingGrad, RetainsGrad, _gradientClaim) = (false, null, false, null, null, false, 0);
        Version.RetiredAfterStep = 0;
        ClearGradHooks();
    }

    /// <summary>The entry to refill for this result (taken: it is handed out once), or null.</summary>
    internal TapeEntry? TakeRecycledEntry()
    {
        var entry = RecycledEntry;
        RecycledEntry = null;
        return entry;
    }

    /// <summary>
    /// ZeroGrad's set-to-none: <see cref="Grad"/> becomes null, and a gradient the backward pass made is kept to
    /// hold the next backward pass's gradient, so that training allocates no gradient memory after the first step
    /// (a gradient assigned by the user is only dropped: it may be shared).
    /// </summary>
    internal void ReleaseGrad()
    {
        if (_gradFromBackward) _spareGrad = _grad;
        _grad = null;
        _gradFromBackward = false;
    }

    /// <summary>
    /// A new gradient for this leaf, which must have none: the one <see cref="ReleaseGrad"/> kept (its version
    /// bumped: its values change), or a fresh one. Zeros when <paramref name="clear"/>, else uninitialised.
    /// </summary>
    internal Tensor NewGradBuffer(bool clear)
    {
        var buffer = _spareGrad;
        _spareGrad = null;
        if (buffer is null) buffer = new Tensor(Allocate(Shape, DType, clear), Shape);
        else
        {
            buffer.Version.Bump();
            if (clear) Array.Clear(buffer._storage);
        }
        _grad = buffer;
        _gradFromBackward = true;
        return buffer;
    }
}
