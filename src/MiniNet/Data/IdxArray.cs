namespace MiniNet.Data;

/// <summary>
/// The contents of an IDX file: an element type, 1 to 4 dimensions (the first counts the items, as
/// images or labels) and the elements in row-major order, held in native byte order.
/// Read one with <see cref="IdxFile.Read(string)"/>, write one with <see cref="IdxFile.Write(string, IdxArray, bool)"/>.
/// </summary>
public sealed class IdxArray
{
    /// <summary>The most dimensions an IDX array may have here (MNIST uses 1 for labels and 3 for images).</summary>
    public const int MaxRank = 4;

    private readonly Array _data; // byte[], sbyte[], short[], int[], float[] or double[], never shared with a caller

    /// <summary>An array of unsigned bytes (<see cref="IdxElementType.UInt8"/>) holding a copy of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The shape has no or more than <see cref="MaxRank"/> dimensions, or does not hold <paramref name="data"/>'s length.</exception>
    public IdxArray(byte[] data, Shape shape) : this(Copy(data), IdxElementType.UInt8, shape) { }

    /// <summary>An array of signed bytes (<see cref="IdxElementType.Int8"/>) holding a copy of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The shape has no or more than <see cref="MaxRank"/> dimensions, or does not hold <paramref name="data"/>'s length.</exception>
    public IdxArray(sbyte[] data, Shape shape) : this(Copy(data), IdxElementType.Int8, shape) { }

    /// <summary>An array of 16-bit integers (<see cref="IdxElementType.Int16"/>) holding a copy of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The shape has no or more than <see cref="MaxRank"/> dimensions, or does not hold <paramref name="data"/>'s length.</exception>
    public IdxArray(short[] data, Shape shape) : this(Copy(data), IdxElementType.Int16, shape) { }

    /// <summary>An array of 32-bit integers (<see cref="IdxElementType.Int32"/>) holding a copy of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The shape has no or more than <see cref="MaxRank"/> dimensions, or does not hold <paramref name="data"/>'s length.</exception>
    public IdxArray(int[] data, Shape shape) : this(Copy(data), IdxElementType.Int32, shape) { }

    /// <summary>An array of 32-bit floats (<see cref="IdxElementType.Float32"/>) holding a copy of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The shape has no or more than <see cref="MaxRank"/> dimensions, or does not hold <paramref name="data"/>'s length.</exception>
    public IdxArray(float[] data, Shape shape) : this(Copy(data), IdxElementType.Float32, shape) { }

    /// <summary>An array of 64-bit floats (<see cref="IdxElementType.Float64"/>) holding a copy of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The shape has no or more than <see cref="MaxRank"/> dimensions, or does not hold <paramref name="data"/>'s length.</exception>
    public IdxArray(double[] data, Shape shape) : this(Copy(data), IdxElementType.Float64, shape) { }

    /// <summary>Takes <paramref name="data"/> over without copying: for the reader, which has just filled it.</summary>
    internal IdxArray(Array data, IdxElementType elementType, Shape shape)
    {
        if (shape.Rank is < 1 or > MaxRank)
            throw new ArgumentException($"IdxArray: shape {shape} has {shape.Rank} dimensions; an IDX array has 1 to {MaxRank}.", nameof(shape));
        if (data.Length != shape.ElementCount)
            throw new ArgumentException($"IdxArray: {data.Length} elements cannot fill shape {shape}, which holds {shape.ElementCount}.", nameof(data));
        _data = data;
        ElementType = elementType;
        Shape = shape;
    }

    /// <summary>The element type, as stored in the file.</summary>
    public IdxElementType ElementType { get; }

    /// <summary>The dimensions, outermost first: <c>[60000, 28, 28]</c> for MNIST's training images.</summary>
    public Shape Shape { get; }

    /// <summary>The number of items: the size of the first dimension.</summary>
    public int Count => Shape[0];

    /// <summary>The number of elements in one item: the product of the dimensions after the first (784 for a 28 × 28 image).</summary>
    /// <exception cref="InvalidOperationException">The array is empty and its items would hold 2³¹ elements or more (<c>[0, 65536, 65536]</c>).</exception>
    public int ItemSize => ElementCountAfterFirst();

    /// <summary>The total number of elements.</summary>
    public int ElementCount => _data.Length;

    /// <summary>The elements in row-major order, without copying. <typeparamref name="T"/> must match <see cref="ElementType"/>
    /// (<c>byte</c>, <c>sbyte</c>, <c>short</c>, <c>int</c>, <c>float</c> or <c>double</c>).</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the element type.</exception>
    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged => _data.GetType() == typeof(T[]) // not "is T[]": the runtime lets sbyte[] pass as byte[]
        ? (T[])_data
        : throw new InvalidOperationException(
            $"IdxArray.AsSpan<{typeof(T).Name}>: the elements are {ElementType} ({_data.GetType().GetElementType()!.Name}); ask for that type.");

    /// <summary>
    /// The value of element <paramref name="flatIndex"/> (row-major) widened to double, which is exact for
    /// every IDX element type.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, <see cref="ElementCount"/>).</exception>
    public double GetValue(int flatIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(flatIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(flatIndex, ElementCount);
        // By the element type, not by pattern on the array: the runtime lets an sbyte[] match "byte[] a" (and a
        // byte[] match "sbyte[] a"), which read -1 as 255.
        return ElementType switch
        {
            IdxElementType.UInt8 => ((byte[])_data)[flatIndex],
            IdxElementType.Int8 => ((sbyte[])_data)[flatIndex],
            IdxElementType.Int16 => ((short[])_data)[flatIndex],
            IdxElementType.Int32 => ((int[])_data)[flatIndex],
            IdxElementType.Float32 => ((float[])_data)[flatIndex],
            _ => ((double[])_data)[flatIndex],
        };
    }

    /// <summary>Items <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 along the first dimension, copied.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside [0, <see cref="Count"/>].</exception>
    public IdxArray Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > Count - start)
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"IdxArray.Slice: items {start} to {start + (long)count - 1} are outside the {Count} items of this array.");
        int itemSize = ElementCountAfterFirst();
        int length = count * itemSize;
        // By the element type, with each array type named (no Array.CreateInstance, which native AOT cannot promise).
        Array data = ElementType switch
        {
            IdxElementType.UInt8 => new byte[length],
            IdxElementType.Int8 => new sbyte[length],
            IdxElementType.Int16 => new short[length],
            IdxElementType.Int32 => new int[length],
            IdxElementType.Float32 => new float[length],
            _ => new double[length],
        };
        Array.Copy(_data, start * itemSize, data, 0, data.Length);
        return new IdxArray(data, ElementType, Shape.With(0, count, "IdxArray.Slice"));
    }

    /// <summary>
    /// The elements as a tensor of the same shape, converted to <paramref name="dtype"/> (exact, except that
    /// float32 rounds 32-bit integers above 2²⁴ and float64 values to the nearest float).
    /// </summary>
    public Tensor ToTensor(DType dtype = DType.Float32)
    {
        var tensor = Tensor.Uninitialized(Shape, dtype);
        if (dtype == DType.Float32) ConvertTo(tensor.Span<float>());
        else ConvertTo(tensor.Span<double>());
        return tensor;
    }

    // By the element type, as GetValue: a pattern on the array would take sbyte[] for byte[].
    private void ConvertTo(Span<float> destination)
    {
        switch (ElementType)
        {
            case IdxElementType.UInt8: var u8 = (byte[])_data; for (int i = 0; i < u8.Length; i++) destination[i] = u8[i]; break;
            case IdxElementType.Int8: var i8 = (sbyte[])_data; for (int i = 0; i < i8.Length; i++) destination[i] = i8[i]; break;
            case IdxElementType.Int16: var i16 = (short[])_data; for (int i = 0; i < i16.Length; i++) destination[i] = i16[i]; break;
            case IdxElementType.Int32: var i32 = (int[])_data; for (int i = 0; i < i32.Length; i++) destination[i] = i32[i]; break;
            case IdxElementType.Float32: ((float[])_data).CopyTo(destination); break;
            default: var f64 = (double[])_data; for (int i = 0; i < f64.Length; i++) destination[i] = (float)f64[i]; break;
        }
    }

    private void ConvertTo(Span<double> destination)
    {
        switch (ElementType)
        {
            case IdxElementType.UInt8: var u8 = (byte[])_data; for (int i = 0; i < u8.Length; i++) destination[i] = u8[i]; break;
            case IdxElementType.Int8: var i8 = (sbyte[])_data; for (int i = 0; i < i8.Length; i++) destination[i] = i8[i]; break;
            case IdxElementType.Int16: var i16 = (short[])_data; for (int i = 0; i < i16.Length; i++) destination[i] = i16[i]; break;
            case IdxElementType.Int32: var i32 = (int[])_data; for (int i = 0; i < i32.Length; i++) destination[i] = i32[i]; break;
            case IdxElementType.Float32: var f32 = (float[])_data; for (int i = 0; i < f32.Length; i++) destination[i] = f32[i]; break;
            default: ((double[])_data).CopyTo(destination); break;
        }
    }

    /// <summary>The product of the dimensions after the first, which an empty array (<c>[0, 65536, 65536]</c>) may make too large for an int.</summary>
    private int ElementCountAfterFirst()
    {
        long size = 1;
        for (int d = 1; d < Shape.Rank; d++) size = Math.Min(size * Shape[d], long.MaxValue / int.MaxValue);
        if (size > int.MaxValue)
            throw new InvalidOperationException(
                $"IdxArray.ItemSize: an item of an array of shape {Shape} would hold more than {int.MaxValue:N0} elements, which an int cannot count (the array holds no items).");
        return (int)size;
    }

    private static T[] Copy<T>(T[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return (T[])data.Clone();
    }
}
