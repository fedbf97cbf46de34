using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

/// <summary>
/// A number an operator carries, kept as both float and double: reading it for either dtype is a plain load
/// that the JIT folds into the vector instruction, where converting a double inside the loop costs a
/// conversion and a broadcast per vector.
/// </summary>
internal readonly struct Constant(double value)
{
    private readonly double _double = value;
    private readonly float _single = (float)value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Get<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Unsafe.BitCast<float, T>(_single) : Unsafe.BitCast<double, T>(_double);
}
