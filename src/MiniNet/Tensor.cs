namespace MiniNet;

/// <summary>
/// A dense, contiguous, row-major N-dimensional array of <see cref="DType.Float32"/> or
/// <see cref="DType.Float64"/> elements that takes part in reverse-mode automatic differentiation.
/// </summary>
/// <remarks>
/// Every differentiable op on a tensor that <see cref="RequiresGrad"/> is recorded on the tape (see
/// <see cref="Tape"/>); <see cref="Backward()"/> walks it in reverse and accumulates gradients into
/// <see cref="Grad"/>. A tensor's elements change only through the in-place methods
/// (<see cref="Fill"/>, <see cref="CopyFrom"/>, <see cref="AddInPlace"/>, <see cref="MulInPlace"/>), each of
/// which bumps a version counter so that a value saved for backward and changed afterwards is caught.
/// </remarks>
public sealed partial class Tensor
{
    private readonly Array _storage; // float[] or double[] of exactly ElementCount elements
    private readonly Shape _shape;
    private bool _requiresGrad;
    private Tensor? _grad;
    private bool _gradFromBackward; // _grad is a buffer the backward pass made, not a tensor the user assigned
    private Tensor? _spareGrad;     // the buffer ZeroGrad released, for the next backward pass to reuse

    /// <summary>Wraps <paramref name="storage"/> (not copied). Views (reshape, detach) share the storage and its version counter.</summary>
    internal Tensor(Array storage, Shape shape, VersionCounter? version = null)
    {
        _storage = storage;
        _shape = shape;
        DType = storage is float[] ? DType.Float32 : storage is double[] ? DType.Float64
            : throw new ArgumentException($"Tensor storage must be float[] or double[], not {storage.GetType().Name}.", nameof(storage));
        ElementCount = shape.ElementCount;
        if (storage.Length != ElementCount)
            throw new ArgumentException($"Tensor: storage holds {storage.Length} elements but shape {shape} needs {ElementCount}.", nameof(storage));
        Version = version ?? new VersionCounter();
    }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>
    /// True for a tensor that stands for whole numbers PyTorch keeps as int64, such as a batch norm's
    /// <c>num_batches_tracked</c> or an <c>I64</c> tensor read from a safetensors file. It is
    /// <see cref="DType.Float64"/>, which holds every integer up to 2⁵³ exactly, and safetensors writes it back as
    /// <c>I64</c>. Only such buffers and files make one; arithmetic on it gives ordinary tensors.
    /// </summary>
    public bool IsIntegerValued { get; internal set; }

    /// <summary>The dimensions, outermost first.</summary>
    public Shape Shape => _shape;

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _shape.Rank;

    /// <summary>The number of elements (PyTorch's <c>numel()</c>).</summary>
    public int ElementCount { get; }

    /// <summary>Counts in-place changes to the storage; shared by every view of it.</summary>
    internal VersionCounter Version { get; }

    /// <summary>
    /// Whether gradients flow to this tensor. Settable on leaves only (tensors no recorded op produced);
    /// the result of a recorded op requires grad when any of its inputs does.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a tensor that a recorded op produced.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf)
                throw new InvalidOperationException(
                    $"RequiresGrad can only be set on a leaf tensor; this one was produced by {GradFn!.Name}. Use Detach() to get a leaf.");
            _requiresGrad = value;
        }
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor, like PyTorch's <c>requires_grad_()</c>.</summary>
    public Tensor RequireGrad(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>True when no recorded op produced this tensor (it is an input, a parameter, or detached).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>The tape entry that produced this tensor, or null for a leaf.</summary>
    internal TapeEntry? GradFn { get; set; }

    /// <summary>The name of the op that produced this tensor (for example <c>"MatMul"</c>), or null for a leaf; PyTorch's <c>grad_fn</c>.</summary>
    public string? GradFnName => GradFn?.Name;

    /// <summary>
    /// The accumulated gradient: null until a backward pass reaches this tensor, then summed over every
    /// backward call until cleared (set to null, as optimisers' <c>ZeroGrad</c> does; <c>ZeroGrad</c> also lets
    /// the next backward pass write into the released tensor, see <see cref="Optim.Optimizer.ZeroGrad"/>).
    /// Kept for leaves that require grad, and for other tensors after <see cref="RetainGrad"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Set to a tensor of another shape or dtype.</exception>
    public Tensor? Grad
    {
        get => _grad;
        set
        {
            if (value is not null && (value.Shape != Shape || value.DType != DType))
                throw new ArgumentException(
                    $"Grad: a gradient must match its tensor: expected {Shape} {DType}, got {value.Shape} {value.DType}.", nameof(value));
            _grad = value;
            _gradFromBackward = false;
        }
    }

    /// <summary>True after <see cref="RetainGrad"/>: a non-leaf that keeps its gradient in <see cref="Grad"/>.</summary>
    public bool RetainsGrad { get; private set; }

    /// <summary>Asks a non-leaf tensor to keep its gradient in <see cref="Grad"/> during backward (PyTorch's <c>retain_grad()</c>).</summary>
    /// <exception cref="InvalidOperationException">The tensor does not require grad.</exception>
    public Tensor RetainGrad()
    {
        if (!RequiresGrad)
            throw new InvalidOperationException("RetainGrad: this tensor does not require grad, so no gradient will reach it.");
        if (!IsLeaf) RetainsGrad = true;
        return this;
    }

    /// <summary>The gradient flowing into this non-leaf during the current backward pass (the engine's scratch).</summary>
    internal Tensor? PendingGrad { get; set; }

    /// <summary>The elements, for kernels. <typeparamref name="T"/> must match <see cref="DType"/>.</summary>
    internal Span<T> Span<T>() where T : unmanaged => ((T[])Elements).AsSpan();

    /// <summary>The storage array, for kernels. <typeparamref name="T"/> must match <see cref="DType"/>.</summary>
    internal T[] Storage<T>() where T : unmanaged => (T[])Elements;

    /// <summary>The storage array, untyped (the gradient pool recycles it).</summary>
    internal Array StorageArray => Elements;

    /// <summary>The storage, unless a <see cref="StepArena"/> step that made this tensor has ended (then its memory belongs to the next step).</summary>
    private Array Elements
    {
        get
        {
            if (Version.RetiredAfterStep != 0) throw StepArena.Retired(this);
            return _storage;
        }
    }

    /// <summary>A read-only view of the elements in row-major order, without copying.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not this tensor's element type.</exception>
    public ReadOnlySpan<T> AsReadOnlySpan<T>() where T : unmanaged
    {
        CheckElementType<T>(nameof(AsReadOnlySpan));
        return Span<T>();
    }

    /// <summary>A copy of the elements in row-major order.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not this tensor's element type.</exception>
    public T[] ToArray<T>() where T : unmanaged
    {
        CheckElementType<T>(nameof(ToArray));
        return Span<T>().ToArray();
    }

    /// <summary>The value of a one-element tensor, widened to double (exact for both dtypes), as PyTorch's <c>item()</c>.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more or fewer than one element.</exception>
    public double Item()
    {
        if (ElementCount != 1)
            throw new InvalidOperationException($"Item: the tensor has shape {Shape} ({ElementCount} elements); Item() needs exactly one. Use At(index) for one element of a larger tensor.");
        return GetFlat(0);
    }

    /// <summary>The element at <paramref name="index"/> (one index per dimension; negative counts from the end), widened to double.</summary>
    /// <exception cref="ArgumentException">Wrong number of indices, or an index out of range.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="index"/> is null.</exception>
    public double At(params int[] index)
    {
        ArgumentNullException.ThrowIfNull(index); // a null array would read as no indices at all
        return GetFlat(FlatIndex(index, nameof(At)));
    }

    internal double GetFlat(int flatIndex) =>
        Elements is float[] floats ? floats[flatIndex] : ((double[])_storage)[flatIndex];

    /// <summary>Stores <paramref name="value"/> (rounded to the dtype) at <paramref name="flatIndex"/>, without a version bump: for code that just made the tensor.</summary>
    internal void SetFlat(int flatIndex, double value)
    {
        if (Elements is float[] floats) floats[flatIndex] = (float)value;
        else ((double[])_storage)[flatIndex] = value;
    }

    internal int FlatIndex(ReadOnlySpan<int> index, string op)
    {
        if (index.Length != Rank)
            throw new ArgumentException($"{op}: {index.Length} indices given for a tensor of shape {Shape} (rank {Rank}).", nameof(index));
        int flat = 0;
        for (int d = 0; d < Rank; d++)
        {
            int size = _shape.Dims[d];
            int i = index[d] < 0 ? index[d] + size : index[d];
            if ((uint)i >= (uint)size)
                throw new ArgumentException($"{op}: index {index[d]} is out of range for dimension {d} of size {size} (shape {Shape}).", nameof(index));
            flat = flat * size + i;
        }
        return flat;
    }

    private void CheckElementType<T>(string op)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new InvalidOperationException($"{op}<{typeof(T).Name}>: tensors hold float or double elements.");
        if (DTypeExtensions.Of<T>() != DType)
            throw new InvalidOperationException(
                $"{op}<{typeof(T).Name}>: this tensor is {DType}; ask for {(DType == DType.Float32 ? "float" : "double")} or convert with To(DType.{DTypeExtensions.Of<T>()}) first.");
    }
}

/// <summary>Counts in-place writes to one storage, so that backward can tell a saved value went stale (as PyTorch does).</summary>
internal sealed class VersionCounter
{
    public int Value { get; private set; }

    public void Bump() => Value++;

    /// <summary>True for the storage of a tensor a <see cref="StepArena"/> hands out, step after step.</summary>
    public bool IsArenaOwned { get; init; }

    /// <summary>The arena step after which this storage was retired, or 0 while it is live.</summary>
    public long RetiredAfterStep { get; set; }
}
