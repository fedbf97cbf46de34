using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// The elementary functions' kernels (Ops/Math.cs holds the ops).

internal readonly struct ExpOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => ElementaryFunctions.Exp<T, TV, L>(x);
}

internal readonly struct LogOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => ElementaryFunctions.Log<T, TV, L>(x);
}

internal readonly struct SqrtOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Sqrt(x);
}

/// <summary>(g, y = √x) ↦ g / (2y).</summary>
internal readonly struct SqrtBackwardOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV g, TV y) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Divide(g, L.Add(y, y));
}

internal readonly struct AbsOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Abs(x);
}

/// <summary>(g, x) ↦ g·sign(x), with sign(0) = 0 and NaN passed through.</summary>
internal readonly struct AbsBackwardOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV g, TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.GreaterThan(x, L.Zero), g, L.ConditionalSelect(L.LessThan(x, L.Zero), L.Negate(g), L.Multiply(g, x)));
}

internal readonly struct SquareOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Multiply(x, x);
}

/// <summary>x ↦ x^p for a constant p.</summary>
internal readonly struct PowScalarOp(double exponent) : IUnaryOp
{
    private readonly Constant _exponent = new(exponent);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        ElementaryFunctions.Pow<T, TV, L>(x, L.Broadcast(_exponent.Get<T>()));
}

/// <summary>(a, b) ↦ aᵇ.</summary>
internal readonly struct PowOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => ElementaryFunctions.Pow<T, TV, L>(a, b);
}

/// <summary>(a, b) ↦ b·a^(b−1), 0 where b = 0.</summary>
internal readonly struct PowBaseGradOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.Equals(b, L.Zero), L.Zero, L.Multiply(b, ElementaryFunctions.Pow<T, TV, L>(a, L.Subtract(b, L.One))));
}

/// <summary>(y = aᵇ, a) ↦ y·ln a, 0 where a = 0 and y is finite (that is, b ≥ 0).</summary>
internal readonly struct PowExponentGradOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV y, TV a) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        // y is finite where |y| < ∞ (NaN compares false, as T.IsFinite says for NaN).
        var finite = L.LessThan(L.Abs(y), L.Broadcast(T.PositiveInfinity));
        return L.ConditionalSelect(L.BitwiseAnd(L.Equals(a, L.Zero), finite), L.Zero, L.Multiply(y, ElementaryFunctions.Log<T, TV, L>(a)));
    }
}
