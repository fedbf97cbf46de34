namespace MiniNet;

public sealed partial class Tensor
{
    /// <summary>A float32 tensor holding a copy of <paramref name="data"/> in the given shape (row-major).</summary>
    /// <exception cref="ArgumentException">The shape's element count differs from the data's length.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    public static Tensor FromArray(float[] data, Shape shape) => new(CopyOf(data, shape), shape);

    /// <summary>A float64 tensor holding a copy of <paramref name="data"/> in the given shape (row-major).</summary>
    /// <exception cref="ArgumentException">The shape's element count differs from the data's length.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    public static Tensor FromArray(double[] data, Shape shape) => new(CopyOf(data, shape), shape);

    /// <summary>A one-dimensional float32 tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromArray(data, [data.Length]);
    }

    /// <summary>A one-dimensional float64 tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(double[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromArray(data, [data.Length]);
    }

    /// <summary>A float32 tensor from a rectangular 2-D array, as <c>torch.tensor([[…], […]])</c>.</summary>
    public static Tensor FromArray(float[,] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromArray(Flatten(data), [data.GetLength(0), data.GetLength(1)]);
    }

    /// <summary>A float64 tensor from a rectangular 2-D array, as <c>torch.tensor([[…], […]])</c>.</summary>
    public static Tensor FromArray(double[,] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromArray(Flatten(data), [data.GetLength(0), data.GetLength(1)]);
    }

    /// <summary>Wraps an array the caller hands over (not copied); for kernels and loaders that just filled it.</summary>
    internal static Tensor Wrap(Array storage, Shape shape) => new(storage, shape);

    /// <summary>A tensor of the given shape whose elements are all zero.</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float32) => new(Allocate(shape, dtype, clear: true), shape);

    /// <summary>
    /// An op's result, whose elements are not initialised (its kernel overwrites every one): inside a
    /// <see cref="StepArena"/> step, the tensor the same op made in the step before.
    /// </summary>
    internal static Tensor Empty(Shape shape, DType dtype) => StepArena.Take(shape, dtype) ?? Uninitialized(shape, dtype);

    /// <summary>As <see cref="Empty(Shape, DType)"/> for dimensions an op computed on the stack: no shape is made when the arena has the tensor.</summary>
    internal static Tensor Empty(ReadOnlySpan<int> dims, DType dtype, string op) =>
        StepArena.Take(dims, dtype) ?? Uninitialized(Shape.Checked(dims.ToArray(), op), dtype);

    /// <summary>A new tensor whose elements are not initialised, never from an arena: for what the user creates or loads.</summary>
    internal static Tensor Uninitialized(Shape shape, DType dtype) => new(Allocate(shape, dtype, clear: false), shape);

    /// <summary>An op's result with every element <paramref name="value"/> (from the arena inside a step).</summary>
    internal static Tensor FullResult(Shape shape, double value, DType dtype)
    {
        var tensor = Empty(shape, dtype);
        DTypeDispatch.Run(dtype, new FillKernel(tensor, value));
        return tensor;
    }

    /// <summary>An op's one-element result holding <paramref name="value"/> (from the arena inside a step).</summary>
    internal static Tensor ScalarResult(double value, DType dtype)
    {
        var tensor = Empty(default(Shape), dtype);
        tensor.SetFlat(0, value);
        return tensor;
    }

    /// <summary>A tensor of the given shape whose elements are all one.</summary>
    public static Tensor Ones(Shape shape, DType dtype = DType.Float32) => Full(shape, 1.0, dtype);

    /// <summary>A tensor of the given shape whose elements all equal <paramref name="value"/> (rounded to the dtype).</summary>
    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float32)
    {
        var tensor = Uninitialized(shape, dtype);
        DTypeDispatch.Run(dtype, new FillKernel(tensor, value));
        return tensor;
    }

    /// <summary>A tensor of rank 0 holding one value.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full([], value, dtype);

    /// <summary>A zero-filled tensor of the same shape and dtype as <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Zeros(like.Shape, like.DType);
    }

    /// <summary>A one-filled tensor of the same shape and dtype as <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Ones(like.Shape, like.DType);
    }

    /// <summary>The values start, start + step, … below <paramref name="end"/> (above it for a negative step), as <c>torch.arange</c>.</summary>
    /// <exception cref="ArgumentException">The step is zero or not finite, the bounds are not finite, or there would be more values than an array holds.</exception>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(start) || !double.IsFinite(end))
            throw new ArgumentException($"Arange: start {start}, end {end} and step {step} must be finite and the step non-zero.", nameof(step));
        double span = Math.Ceiling((end - start) / step);
        if (span > Array.MaxLength)
            throw new ArgumentException(
                $"Arange: start {start}, end {end} and step {step} give {span:R} values, more than the {Array.MaxLength:N0} an array can hold.", nameof(step));
        int count = span <= 0 ? 0 : (int)span;
        var tensor = Uninitialized([count], dtype);
        DTypeDispatch.Run(dtype, new ArangeKernel(tensor, start, step));
        return tensor;
    }

    /// <summary>0, 1, …, <paramref name="end"/> − 1, as <c>torch.arange(end)</c>.</summary>
    public static Tensor Arange(int end, DType dtype = DType.Float32) => Arange(0, end, 1, dtype);

    /// <summary>Samples uniform on [<paramref name="low"/>, <paramref name="high"/>) from <paramref name="generator"/>.</summary>
    /// <exception cref="ArgumentException">low &gt; high, or a bound is not finite.</exception>
    public static Tensor Uniform(Shape shape, double low, double high, Generator generator, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (!(low <= high) || !double.IsFinite(low) || !double.IsFinite(high))
            throw new ArgumentException($"Uniform: bounds [{low}, {high}) must be finite with low ≤ high.", nameof(low));
        var tensor = Uninitialized(shape, dtype);
        DTypeDispatch.Run(dtype, new UniformKernel(tensor, low, high, generator));
        return tensor;
    }

    /// <summary>Samples from a normal distribution with the given mean and standard deviation, drawn from <paramref name="generator"/>.</summary>
    /// <exception cref="ArgumentException">The standard deviation is negative, or a parameter is not finite.</exception>
    public static Tensor Normal(Shape shape, double mean, double std, Generator generator, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (!(std >= 0) || !double.IsFinite(std) || !double.IsFinite(mean))
            throw new ArgumentException($"Normal: mean {mean} and standard deviation {std} must be finite, the deviation ≥ 0.", nameof(std));
        var tensor = Uninitialized(shape, dtype);
        DTypeDispatch.Run(dtype, new NormalKernel(tensor, mean, std, generator));
        return tensor;
    }

    /// <summary>Uniform on [0, 1), as <c>torch.rand</c>, from a generator seeded with <paramref name="seed"/>.</summary>
    public static Tensor Rand(Shape shape, Seed seed, DType dtype = DType.Float32) => Uniform(shape, 0, 1, new Generator(seed), dtype);

    /// <summary>Standard normal, as <c>torch.randn</c>, from a generator seeded with <paramref name="seed"/>.</summary>
    public static Tensor Randn(Shape shape, Seed seed, DType dtype = DType.Float32) => Normal(shape, 0, 1, new Generator(seed), dtype);

    /// <summary>A copy with its own storage; it does not require grad and is not on the tape (see <see cref="Clone"/> for the recorded copy).</summary>
    internal Tensor Copy()
    {
        var storage = (Array)StorageArray.Clone();
        return new Tensor(storage, Shape);
    }

    /// <summary>
    /// A new leaf sharing this tensor's storage (and its version counter) but cut from the tape: no
    /// gradient flows through it, as PyTorch's <c>detach()</c>.
    /// </summary>
    public Tensor Detach() => new(StorageArray, Shape, Version);

    internal static Array Allocate(Shape shape, DType dtype, bool clear)
    {
        int count = shape.ElementCount;
        return dtype switch
        {
            DType.Float32 => clear ? new float[count] : GC.AllocateUninitializedArray<float>(count),
            DType.Float64 => clear ? new double[count] : GC.AllocateUninitializedArray<double>(count),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Tensor: dtype {(int)dtype} is not a DType; expected Float32 or Float64."),
        };
    }

    private static T[] CopyOf<T>(T[] data, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != shape.ElementCount)
            throw new ArgumentException(
                $"FromArray: {data.Length} values cannot fill shape {shape}, which holds {shape.ElementCount}.", nameof(data));
        return (T[])data.Clone();
    }

    private static T[] Flatten<T>(T[,] data)
    {
        var flat = new T[data.Length];
        int k = 0;
        foreach (var value in data) flat[k++] = value;
        return flat;
    }

    internal void MarkRequiresGrad() => _requiresGrad = true;
    // start + i·step (not repeated addition) so that rounding does not drift along the sequence.
    private readonly struct ArangeKernel(Tensor tensor, double start, double step) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var values = tensor.Span<T>();
            for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(start + i * step);
        }
    }

    private readonly struct UniformKernel(Tensor tensor, double low, double high, Generator generator) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var values = tensor.Span<T>();
            double width = high - low;
            // Rounding can land on `high` itself; the interval is half-open, so the top is one ulp below it.
            T top = low < high ? T.BitDecrement(T.CreateTruncating(high)) : T.CreateTruncating(high);
            for (int i = 0; i < values.Length; i++) values[i] = T.Min(T.CreateTruncating(low + width * generator.NextDouble()), top);
        }
    }

    private readonly struct NormalKernel(Tensor tensor, double mean, double std, Generator generator) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var values = tensor.Span<T>();
            for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(mean + std * generator.NextNormal());
        }
    }
}
