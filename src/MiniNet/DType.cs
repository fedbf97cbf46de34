namespace MiniNet;

/// <summary>The element type of a <see cref="Tensor"/>.</summary>
public enum DType
{
    /// <summary>32-bit IEEE 754 floats: what training uses (the default everywhere).</summary>
    Float32,

    /// <summary>64-bit IEEE 754 floats: what gradient checks use.</summary>
    Float64,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>The size of one element in bytes.</summary>
    public static int ByteSize(this DType dtype) => dtype switch
    {
        DType.Float32 => sizeof(float),
        DType.Float64 => sizeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"ByteSize: dtype {(int)dtype} is not a DType; expected Float32 or Float64."),
    };

    /// <summary>The <see cref="DType"/> of a CLR element type: <c>float</c> or <c>double</c>.</summary>
    /// <exception cref="NotSupportedException">For any other type.</exception>
    public static DType Of<T>() =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : throw new NotSupportedException($"MiniNet tensors hold float or double elements, not {typeof(T).Name}.");
}
