using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

/// <summary>The GELU, computed in double lane by lane (Φ needs erfc, and double keeps its tail's digits for float too).</summary>
internal readonly struct GeluOp(bool tanhApproximation) : IUnaryOp
{
    internal const double SqrtTwoOverPi = 0.7978845608028654; // √(2/π)
    internal const double Cubic = 0.044715;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        if (typeof(TV) != typeof(T)) return LaneByLane.Map<T, TV, L, GeluOp>(x, this);
        double v = double.CreateTruncating(Unsafe.BitCast<TV, T>(x));
        // ½(1 + tanh u) = σ(2u): the sigmoid form keeps its digits where tanh u is near −1.
        double y = tanhApproximation ? v * Logistic(2 * Inner(v)) : v * SpecialFunctions.NormalCdf(v);
        return Unsafe.BitCast<T, TV>(T.CreateTruncating(y));
    }

    /// <summary>u = √(2/π)·(x + 0.044715·x³), the tanh form's argument.</summary>
    internal static double Inner(double x) => SqrtTwoOverPi * (x + Cubic * x * x * x);

    /// <summary>σ(z) = 1 / (1 + e^−z); never overflows into NaN.</summary>
    internal static double Logistic(double z) => 1 / (1 + ElementaryFunctions.Exp(-z));
}

/// <summary>(g, x) ↦ g·GELU′(x): Φ(x) + x·φ(x) exactly, or the derivative of the tanh form.</summary>
internal readonly struct GeluBackwardOp(bool tanhApproximation) : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV g, TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.Multiply(g, LaneByLane.Map<T, TV, L, GeluSlopeOp>(x, new GeluSlopeOp(tanhApproximation)));
}

/// <summary>x ↦ GELU′(x), computed in double.</summary>
internal readonly struct GeluSlopeOp(bool tanhApproximation) : IUnaryOp
{
    private const double OneOverSqrtTwoPi = 0.3989422804014327; // 1/√(2π)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        if (typeof(TV) != typeof(T)) return LaneByLane.Map<T, TV, L, GeluSlopeOp>(x, this);
        double v = double.CreateTruncating(Unsafe.BitCast<TV, T>(x)), slope;
        if (tanhApproximation)
        {
            // With s = σ(2u): ½(1 + tanh u) = s and ½(1 − tanh² u) = 2·s·σ(−2u).
            double u = GeluOp.Inner(v), s = GeluOp.Logistic(2 * u), sMinus = GeluOp.Logistic(-2 * u);
            slope = s + 2 * v * s * sMinus * GeluOp.SqrtTwoOverPi * (1 + 3 * GeluOp.Cubic * v * v);
        }
        else
        {
            slope = SpecialFunctions.NormalCdf(v) + v * OneOverSqrtTwoPi * ElementaryFunctions.Exp(-0.5 * v * v);
        }
        return Unsafe.BitCast<T, TV>(T.CreateTruncating(slope));
    }
}
