using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet;

/// <summary>
/// A computation written once, generic in the element type: <see cref="DTypeDispatch"/> runs it as float or double
/// for a tensor's <see cref="DType"/>. A small struct holds what it works on (the JIT specialises and inlines it).
/// </summary>
internal interface IDTypeKernel
{
    void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>As <see cref="IDTypeKernel"/>, returning a value.</summary>
internal interface IDTypeKernel<out TResult>
{
    TResult Run<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The one place that chooses float or double: every forward and backward is written once, generic in the element type.</summary>
internal static class DTypeDispatch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TKernel>(DType dtype, TKernel kernel) where TKernel : IDTypeKernel, allows ref struct
    {
        if (dtype == DType.Float32) kernel.Run<float>();
        else if (dtype == DType.Float64) kernel.Run<double>();
        else throw Unknown(dtype);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TResult Run<TKernel, TResult>(DType dtype, TKernel kernel) where TKernel : IDTypeKernel<TResult>, allows ref struct =>
        dtype == DType.Float32 ? kernel.Run<float>()
        : dtype == DType.Float64 ? kernel.Run<double>()
        : throw Unknown(dtype);

    private static ArgumentOutOfRangeException Unknown(DType dtype) =>
        new(nameof(dtype), dtype, $"DType {(int)dtype} is not a DType; expected Float32 or Float64.");
}
