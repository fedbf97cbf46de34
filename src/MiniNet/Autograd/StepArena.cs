namespace MiniNet;

/// <summary>
/// Memory for a computation that repeats, such as a training step: inside <c>using (arena.Step()) { … }</c> the
/// tensors MiniNet's ops compute on this thread — forward results, the loss, the backward pass's gradients of
/// intermediate tensors — are the very tensors the same ops computed in the step before, so that a steady training
/// step allocates nothing (PyTorch gets the same from its caching allocator; CUDA graphs, from static memory).
/// </summary>
/// <remarks>
/// <para><b>What a step owns.</b> The k-th tensor an op computes in a step is the k-th of the step before when its
/// shape and dtype are the same (a smaller last batch gets new ones, which the following steps then reuse). What you
/// create (<c>Tensor.FromArray</c>, <c>Zeros</c>, <c>Randn</c>, a data loader's batches), parameters, their
/// <see cref="Tensor.Grad"/> and optimiser state are never the arena's.</para>
/// <para><b>After the step.</b> When a step ends, its tensors are retired: reading one (<c>Item()</c>,
/// <c>ToArray()</c>, printing it) or using it in an op throws <see cref="InvalidOperationException"/>, instead of
/// showing values the next step will overwrite. Read what you need inside the step — <c>loss.Item()</c>, a count
/// of correct predictions — or copy it there (<c>ToArray()</c>). A reference kept into a later step is the later
/// step's tensor once that step has computed it again: a step's tensors are for that step.</para>
/// <para>One thread uses an arena at a time, and steps do not nest.</para>
/// </remarks>
public sealed class StepArena
{
    [ThreadStatic] private static StepArena? t_active;

    private readonly List<Tensor> _tensors = [];
    private readonly List<object> _objects = [];
    private int _nextTensor, _nextObject;
    private int _thread; // the managed thread id inside a step, 0 between steps

    /// <summary>The number of steps begun so far.</summary>
    public long Steps { get; private set; }

    /// <summary>The number of tensors the arena holds: the most that one step has computed.</summary>
    public int TensorCount => _tensors.Count;

    /// <summary>Begins a step on the calling thread; disposing the returned scope ends it and retires its tensors.</summary>
    /// <exception cref="InvalidOperationException">A step of this or another arena is under way on this thread, or this arena's is on another thread.</exception>
    public Scope Step()
    {
        if (t_active is not null)
            throw new InvalidOperationException(
                $"StepArena.Step: a step is already under way on this thread (step {t_active.Steps}{(ReferenceEquals(t_active, this) ? "" : " of another arena")}); end it before beginning another: steps do not nest.");
        int thread = Environment.CurrentManagedThreadId;
        if (Interlocked.CompareExchange(ref _thread, thread, 0) != 0)
            throw new InvalidOperationException($"StepArena.Step: this arena's step {Steps} is under way on another thread; give each thread its own arena.");
        Steps++;
        (_nextTensor, _nextObject) = (0, 0);
        t_active = this;
        return new Scope(this, Steps);
    }

    /// <summary>The step that <see cref="Step"/> began; dispose it (a <c>using</c> statement) to end the step.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly StepArena? _arena;
        private readonly long _step;

        internal Scope(StepArena arena, long step) => (_arena, _step) = (arena, step);

        /// <summary>Ends the step: its tensors are retired until the next step takes them again. Disposing twice does nothing.</summary>
        public void Dispose() => _arena?.End(_step);
    }

    private void End(long step)
    {
        if (step != Steps || _thread != Environment.CurrentManagedThreadId) return; // already ended
        for (int i = 0; i < _nextTensor; i++) _tensors[i].Version.RetiredAfterStep = step;
        t_active = null;
        Volatile.Write(ref _thread, 0);
    }

    /// <summary>The next tensor of the active step for an op's result of <paramref name="shape"/>, or null outside a step.</summary>
    internal static Tensor? Take(Shape shape, DType dtype) => t_active?.Next(shape.Dims, dtype, shape);

    /// <summary>As <see cref="Take(Shape, DType)"/> with the dimensions on the stack: a shape is made only for a new tensor.</summary>
    internal static Tensor? Take(ReadOnlySpan<int> dims, DType dtype) => t_active?.Next(dims, dtype, null);

    private Tensor Next(ReadOnlySpan<int> dims, DType dtype, Shape? shape)
    {
        int position = _nextTensor++;
        if (position < _tensors.Count)
        {
            var tensor = _tensors[position];
            if (tensor.DType == dtype && tensor.Shape.Dims.SequenceEqual(dims))
            {
                tensor.Reuse();
                return tensor;
            }
        }
        var made = Tensor.ForArena(shape ?? Shape.Checked(dims.ToArray(), "StepArena"), dtype);
        if (position < _tensors.Count) _tensors[position] = made;
        else _tensors.Add(made);
        return made;
    }

    /// <summary>
    /// Inside a step, the object of type <typeparamref name="T"/> that the same code asked for in the step before (or a new
    /// one); outside a step, a new one. For what an op keeps for its backward rule besides tensors (a head's row statistics).
    /// </summary>
    internal static T Recycled<T>() where T : class, new()
    {
        var arena = t_active;
        if (arena is null) return new T();
        int position = arena._nextObject++;
        if (position < arena._objects.Count && arena._objects[position] is T reused) return reused;
        var made = new T();
        if (position < arena._objects.Count) arena._objects[position] = made;
        else arena._objects.Add(made);
        return made;
    }

    /// <summary>True inside a step on this thread.</summary>
    internal static bool IsActive => t_active is not null;

    /// <summary>The error for a tensor whose step has ended.</summary>
    internal static InvalidOperationException Retired(Tensor tensor) => new(
        $"This tensor of shape {tensor.Shape} ({tensor.DType}) was computed in step {tensor.Version.RetiredAfterStep} of a StepArena, which has ended: " +
        "its memory belongs to the next step. Read what you need inside the step (Item(), ToArray()), or copy it there.");
}
