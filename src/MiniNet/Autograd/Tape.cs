namespace MiniNet;

/// <summary>
/// The tape: every differentiable op run while recording, on inputs that require grad, appends an entry
/// (its inputs, output, saved values and backward rule); <see cref="Tensor.Backward()"/> walks the
/// entries in reverse and accumulates gradients.
/// </summary>
/// <remarks>
/// <para><b>Threads.</b> Recording is per thread: <see cref="NoGrad"/> affects only the calling thread, and
/// each thread's ops form their own graphs. Positions on the tape come from one process-wide counter,
/// so the order stays right even if a graph mixes tensors from several threads; but a graph is not
/// synchronised: two backward passes over the same tensors at once would add into the same gradients
/// together. A backward pass claims every tensor it will write a gradient to before it runs a rule, so the
/// second of two such passes throws, naming a shared tensor, and leaves its graph as it was.</para>
/// <para><b>Memory.</b> The tape is not one global list: each tensor holds the entry that produced it and
/// each entry holds its inputs, so a graph lives exactly as long as the tensors that can reach it. A
/// forward pass whose result is dropped costs nothing; a backward pass frees the entries it walked
/// unless asked to keep them (<c>retainGraph</c>).</para>
/// </remarks>
public static partial class Tape
{
    [ThreadStatic] private static int t_noGradDepth;
    [ThreadStatic] private static List<TapeEntry>? t_observer;
    private static long s_lastPosition;
    private static long s_lastBackward;

    /// <summary>True unless the calling thread is inside a <see cref="NoGrad"/> scope.</summary>
    public static bool IsRecording => t_noGradDepth == 0;

    /// <summary>
    /// Stops recording on this thread until the returned scope is disposed (<c>using (Tape.NoGrad()) { … }</c>),
    /// as PyTorch's <c>torch.no_grad()</c>: for evaluation and for optimiser updates. Scopes nest.
    /// </summary>
    public static IDisposable NoGrad()
    {
        t_noGradDepth++;
        return new NoGradScope();
    }

    private sealed class NoGradScope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            t_noGradDepth--;
        }
    }

    /// <summary>The library's own <see cref="NoGrad"/>: a struct, so that an optimiser step or a backward pass allocates no scope.</summary>
    internal static Pause PauseRecording()
    {
        t_noGradDepth++;
        return new Pause();
    }

    /// <summary>Recording stays off until this is disposed, once (the library disposes it with <c>using</c>).</summary>
    internal readonly struct Pause : IDisposable
    {
        public void Dispose() => t_noGradDepth--;
    }

    internal static bool ShouldRecord(Tensor a) => t_noGradDepth == 0 && a.RequiresGrad;

    internal static bool ShouldRecord(Tensor a, Tensor b) => t_noGradDepth == 0 && (a.RequiresGrad || b.RequiresGrad);

    /// <summary>
    /// Records that <paramref name="output"/> was computed from <paramref name="inputs"/> by op
    /// <paramref name="name"/>, when recording is on and any input requires grad; otherwise does nothing.
    /// </summary>
    /// <param name="name">The op's name, shown in errors and <see cref="Tensor.GradFnName"/>.</param>
    /// <param name="output">The op's fresh result.</param>
    /// <param name="inputs">The op's tensor inputs; gradients flow to those that require grad.</param>
    /// <param name="saved">The tensors the rule reads; changing one in place before backward is an error.</param>
    /// <param name="backward">The backward rule.</param>
    /// <returns><paramref name="output"/>.</returns>
    internal static Tensor Record(string name, Tensor output, ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> saved, BackwardRule backward) =>
        Record(name, output, inputs, saved, backward, null, null, isCustom: false);

    /// <summary>As the closure <c>Record</c>, for a rule that hands the gradient it is given to user code (a module's backward hook), which may keep it.</summary>
    internal static Tensor RecordKeepingGradient(string name, Tensor output, ReadOnlySpan<Tensor> inputs, BackwardRule backward) =>
        Record(name, output, inputs, [], backward, null, null, isCustom: true);

    /// <summary>
    /// As the other <c>Record</c>, for a rule that reads what it needs from its entry (<see cref="TapeEntry.Input"/>,
    /// <see cref="TapeEntry.Output"/>, <paramref name="state"/>): a static function, so recording allocates nothing.
    /// </summary>
    internal static Tensor Record(string name, Tensor output, ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> saved, OpRule rule, object? state = null) =>
        Record(name, output, inputs, saved, null, rule, state, isCustom: false);

    /// <summary>As the static-rule <c>Record</c>, for a rule that also reads one or two numbers (<see cref="TapeEntry.Argument0"/>, <see cref="TapeEntry.Argument1"/>).</summary>
    internal static Tensor Record(string name, Tensor output, ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> saved, OpRule rule,
        double argument0, double argument1 = 0) =>
        Record(name, output, inputs, saved, null, rule, null, isCustom: false, argument0, argument1);

    private static Tensor Record(string name, Tensor output, ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> saved,
        BackwardRule? closure, OpRule? rule, object? state, bool isCustom, double argument0 = 0, double argument1 = 0)
    {
        if (t_noGradDepth != 0) return output;
        bool any = false;
        foreach (var input in inputs) any |= input.RequiresGrad;
        if (!any)
        {
            t_anomaly?.CheckUnrecorded(name, output, inputs);
            return output;
        }
        var entry = output.TakeRecycledEntry() ?? new TapeEntry();
        entry.Set(name, Interlocked.Increment(ref s_lastPosition), output, inputs, saved, closure, rule, state, isCustom, argument0, argument1);
        output.GradFn = entry;
        output.MarkRequiresGrad();
        t_observer?.Add(entry);
        t_anomaly?.CheckRecorded(entry);
        return output;
    }

    /// <summary>
    /// A custom differentiable op, as PyTorch's <c>torch.autograd.Function</c>: runs
    /// <paramref name="forward"/> with recording off, then records <paramref name="backward"/> as the rule
    /// that maps the output's gradient to the inputs' (through <see cref="Gradients.Accumulate"/>).
    /// Gradient-check it with <see cref="GradCheck"/>.
    /// </summary>
    /// <param name="name">The op's name, shown in errors and by <see cref="GradCheck"/>.</param>
    /// <param name="inputs">The op's tensor inputs.</param>
    /// <param name="forward">Computes the output from the inputs.</param>
    /// <param name="backward">The backward rule; it may capture the inputs and the output.</param>
    /// <param name="saved">Tensors the rule reads, checked for in-place changes before it runs (the inputs are checked always).</param>
    /// <exception cref="ArgumentNullException">An argument, or a tensor in <paramref name="inputs"/> or <paramref name="saved"/>, is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="forward"/> returned null.</exception>
    public static Tensor Function(string name, Tensor[] inputs, Func<Tensor[], Tensor> forward, BackwardRule backward, params Tensor[] saved)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        ArgumentNullException.ThrowIfNull(saved);
        CheckElements(name, inputs, nameof(inputs), "input");
        CheckElements(name, saved, nameof(saved), "saved tensor");
        Tensor output;
        using (NoGrad()) output = forward(inputs);
        if (output is null)
            throw new InvalidOperationException($"Tape.Function \"{name}\": forward returned null; it must return the op's output tensor.");
        if (inputs.Contains(output) || !output.IsLeaf)
            output = output.Clone(); // the output must be a tensor of its own to carry the entry
        return Record(name, output, inputs, [.. inputs, .. saved], backward, null, null, isCustom: true);
    }

    private static void CheckElements(string name, Tensor[] tensors, string parameter, string what)
    {
        for (int i = 0; i < tensors.Length; i++)
            if (tensors[i] is null)
                throw new ArgumentNullException(parameter, $"Tape.Function \"{name}\": {what} {i} of {tensors.Length} is null.");
    }

    /// <summary>Collects the entries created on this thread while <paramref name="run"/> runs, in tape order (GradCheck's diagnosis).</summary>
    internal static List<TapeEntry> Observe(Action run)
    {
        var previous = t_observer;
        var entries = new List<TapeEntry>();
        t_observer = entries;
        try
        {
            run();
        }
        finally
        {
            t_observer = previous;
        }
        return entries;
    }

    /// <summary>The backward pass: seed the root, then run each reachable entry's rule in reverse tape order.</summary>
    internal static void Backward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (root.Version.RetiredAfterStep != 0) throw StepArena.Retired(root); // its graph is the next step's to refill
        if (!root.RequiresGrad)
            throw new InvalidOperationException(
                $"Backward: this tensor of shape {root.Shape} does not require grad, so there is nothing to differentiate: " +
                "none of the tensors it was computed from requires grad, or it was computed inside Tape.NoGrad() or detached. " +
                "Set RequiresGrad = true on the parameters or inputs you want gradients for.");
        var seed = SeedGradient(root, gradient);
        long pass = Interlocked.Increment(ref s_lastBackward);
        if (root.IsLeaf)
        {
            if (!root.TryClaimGradient(pass)) throw Contested(root);
            var leafGrads = new Gradients();
            try
            {
                leafGrads.Accumulate(root, seed);
                leafGrads.FinishLeaves();
            }
            finally
            {
                leafGrads.ForgetLeaves();
                root.ReleaseGradientClaim(pass);
            }
            return;
        }

        // The walk's lists and Gradients are this thread's, reused pass after pass (a rule that runs a backward pass of
        // its own gets fresh ones).
        var walk = t_walk is { InUse: false } reused ? reused : new Walk();
        t_walk ??= walk;
        walk.InUse = true;
        List<TapeEntry> order;
        try
        {
            order = ReachableInReverseOrder(root, walk);
            ClaimGradients(order, pass);
        }
        catch
        {
            walk.Order.Clear();
            walk.InUse = false;
            throw;
        }
        var grads = walk.Grads;
        grads.CurrentOp = "";
        root.PendingGrad = seed;
        var anomaly = t_anomaly;
        using var noGrad = PauseRecording(); // rules compute with tensor ops; none of that is recorded
        try
        {
            if (anomaly is not null) AnomalyMode.CheckBeforeBackward(root, seed, order);
            foreach (var entry in order)
            {
                var output = entry.Output;
                var gradOutput = output.PendingGrad;
                if (gradOutput is null) continue; // nothing reached this entry
                output.PendingGrad = null;
                bool hooked = output.HasGradHooks; // a hook may keep the gradient it is given: it is not recycled
                if (hooked) gradOutput = output.RunGradHooks(gradOutput);
                if (output.RetainsGrad)
                {
                    // Into Grad itself: Gradients.Accumulate would add to a non-leaf's pending buffer instead.
                    if (output.Grad is null) output.Grad = gradOutput.Clone();
                    else output.Grad.AddInPlace(gradOutput);
                }
                entry.CheckSavedVersions();
                grads.CurrentOp = entry.Name;
                entry.RunBackward(gradOutput, grads);
                if (anomaly is not null) AnomalyMode.CheckGradients(entry, gradOutput);
                if (!entry.IsCustom && !hooked) GradientPool.Return(gradOutput); // read by this rule only, and the rule is done
            }
            grads.FinishLeaves();
        }
        finally
        {
            grads.ForgetLeaves();
            foreach (var entry in order)
            {
                entry.Output.PendingGrad = null;
                ReleaseGradients(entry, pass);
                if (!retainGraph) entry.Release();
            }
            order.Clear();
            walk.InUse = false;
        }
    }

    /// <summary>What a backward pass works with: the entries in reverse tape order, the walk's stack, the gradients.</summary>
    private sealed class Walk
    {
        public readonly List<TapeEntry> Order = [];
        public readonly Stack<TapeEntry> Pending = new();
        public readonly Gradients Grads = new();
        public bool InUse;
    }

    [ThreadStatic] private static Walk? t_walk;

    /// <summary>
    /// Claims for backward pass <paramref name="pass"/> every tensor whose gradient it will write: each entry's
    /// output and every input that requires grad (the leaves). One compare-and-swap per tensor; if another pass
    /// holds one, everything claimed so far is given back and the error names the tensor.
    /// </summary>
    private static void ClaimGradients(List<TapeEntry> order, long pass)
    {
        foreach (var entry in order)
        {
            var contested = entry.Output.TryClaimGradient(pass) ? null : entry.Output;
            foreach (var input in entry.Inputs)
                if (contested is null && input.RequiresGrad && !input.TryClaimGradient(pass)) contested = input;
            if (contested is null) continue;
            foreach (var claimed in order) ReleaseGradients(claimed, pass);
            throw Contested(contested);
        }
    }

    private static InvalidOperationException Contested(Tensor tensor) => new(
        $"Backward: another backward pass is running through {Describe(tensor)} right now (on another thread). Two passes " +
        "that share tensors would add into the same gradients at once and corrupt them. Run them one after the other " +
        "(a lock around Backward), or give each thread its own copy of the model.");

    private static void ReleaseGradients(TapeEntry entry, long pass)
    {
        entry.Output.ReleaseGradientClaim(pass);
        foreach (var input in entry.Inputs) input.ReleaseGradientClaim(pass);
    }

    private static string Describe(Tensor tensor) =>
        tensor.IsLeaf
            ? $"a leaf tensor of shape {tensor.Shape} ({tensor.DType}) that requires grad"
            : $"the output of {tensor.GradFnName}, of shape {tensor.Shape} ({tensor.DType})";

    private static Tensor SeedGradient(Tensor root, Tensor? gradient)
    {
        if (gradient is null)
        {
            if (root.ElementCount != 1)
                throw new InvalidOperationException(
                    $"Backward: the tensor has shape {root.Shape} ({root.ElementCount} elements); Backward() without a gradient needs a " +
                    "single-element output, such as a loss. Reduce it first (Sum(), Mean()) or pass the output's gradient: Backward(gradient).");
            return Tensor.FullResult(root.Shape, 1.0, root.DType);
        }
        if (gradient.Shape != root.Shape || gradient.DType != root.DType)
            throw new ArgumentException(
                $"Backward: the gradient must have the output's shape and dtype: expected {root.Shape} {root.DType}, got {gradient.Shape} {gradient.DType}.",
                nameof(gradient));
        return gradient.Clone(); // accumulation must never write into the caller's tensor
    }

    /// <summary>Every entry the root depends on, latest first: a reverse walk of the tape restricted to this graph.</summary>
    private static List<TapeEntry> ReachableInReverseOrder(Tensor root, Walk walk)
    {
        long stamp = Interlocked.Increment(ref s_lastBackward);
        var (order, pending) = (walk.Order, walk.Pending);
        order.Clear();
        pending.Clear();
        Visit(root.GradFn!);
        while (pending.Count > 0)
        {
            foreach (var input in pending.Pop().Inputs)
                if (input.GradFn is { } producer) Visit(producer);
        }
        order.Sort(static (x, y) => y.Position.CompareTo(x.Position));
        return order;

        void Visit(TapeEntry entry)
        {
            if (entry.VisitStamp == stamp) return;
            if (entry.IsReleased)
                throw new InvalidOperationException(
                    $"Backward: trying to backward through the graph a second time: the tape entry of {entry.Name} was freed by an " +
                    "earlier Backward(). Call Backward(retainGraph: true) the first time to keep the graph for another pass.");
            entry.VisitStamp = stamp;
            order.Add(entry);
            pending.Push(entry);
        }
    }
}
