using System.Numerics;
using System.Runtime.Intrinsics;
using MiniNet.Kernels;

namespace MiniNet.Tests.Kernels;

/// <summary>
/// Runs a lanes function over an array at one width: 512, 256 and 128 bits, or 1 (the scalar <see cref="Lanes1{T}"/>).
/// Vector512 and Vector256 work in software where the CPU lacks them, so every width runs on every machine.
/// </summary>
internal static class AtEveryWidth
{
    public static readonly int[] Widths = [512, 256, 128, 1];

    public static T[] Apply<T>(IElementaryFunction function, T[] xs, int width) where T : unmanaged, IFloatingPointIeee754<T> =>
        Apply<T>(xs, xs, width, new Unary(function));

    public static T[] Apply<T>(T[] xs, T[] ys, int width, IBinary binary) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = width == 1 ? 1 : width / 8 / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        int padded = (xs.Length + lanes - 1) / lanes * lanes;
        var a = new T[padded];
        var b = new T[padded];
        xs.CopyTo(a, 0);
        ys.CopyTo(b, 0);
        var results = new T[padded];
        for (int i = 0; i < padded; i += lanes)
        {
            switch (width)
            {
                case 512: binary.Apply<T, Vector512<T>, Lanes512<T>>(Vector512.Create<T>(a.AsSpan(i)), Vector512.Create<T>(b.AsSpan(i))).CopyTo(results, i); break;
                case 256: binary.Apply<T, Vector256<T>, Lanes256<T>>(Vector256.Create<T>(a.AsSpan(i)), Vector256.Create<T>(b.AsSpan(i))).CopyTo(results, i); break;
                case 128: binary.Apply<T, Vector128<T>, Lanes128<T>>(Vector128.Create<T>(a.AsSpan(i)), Vector128.Create<T>(b.AsSpan(i))).CopyTo(results, i); break;
                case 1: results[i] = binary.Apply<T, T, Lanes1<T>>(a[i], b[i]); break;
                default: throw new ArgumentOutOfRangeException(nameof(width), width, "widths are 512, 256, 128 and 1");
            }
        }
        return results[..xs.Length];
    }

    /// <summary>A lanes function of two arguments (a unary one ignores the second).</summary>
    internal interface IBinary
    {
        TVector Apply<T, TVector, TLanes>(TVector x, TVector y) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>;
    }

    private sealed class Unary(IElementaryFunction function) : IBinary
    {
        public TVector Apply<T, TVector, TLanes>(TVector x, TVector y) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
            function.Apply<T, TVector, TLanes>(x);
    }

    public sealed class Pow : IBinary
    {
        public TVector Apply<T, TVector, TLanes>(TVector x, TVector y) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
            ElementaryFunctions.Pow<T, TVector, TLanes>(x, y);
    }
}
