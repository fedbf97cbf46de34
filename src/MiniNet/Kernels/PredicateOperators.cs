using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// Elementwise tests that give 1 where true and 0 where false, so that a MapSum counts the elements that pass
// (the heads' linters), a Map makes 0/1 predictions (the sigmoid head) and the comparisons make masks (Eq … Le).
// A comparison with NaN is false, except "not equal", as IEEE 754 and PyTorch have it.

/// <summary>(a, b) ↦ 1 where a = b, else 0 (−0 = +0; NaN equals nothing).</summary>
internal readonly struct EqualOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.BitwiseAnd(L.Equals(a, b), L.One);
}

/// <summary>(a, b) ↦ 1 where a ≠ b, else 0 (true wherever either is NaN).</summary>
internal readonly struct NotEqualOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.Equals(a, b), L.Zero, L.One);
}

/// <summary>(a, b) ↦ 1 where a &gt; b, else 0.</summary>
internal readonly struct GreaterThanOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.BitwiseAnd(L.GreaterThan(a, b), L.One);
}

/// <summary>(a, b) ↦ 1 where a ≥ b, else 0.</summary>
internal readonly struct GreaterThanOrEqualOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.BitwiseAnd(L.GreaterThanOrEqual(a, b), L.One);
}

/// <summary>(a, b) ↦ 1 where a &lt; b, else 0.</summary>
internal readonly struct LessThanOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.BitwiseAnd(L.LessThan(a, b), L.One);
}

/// <summary>(a, b) ↦ 1 where a ≤ b, else 0.</summary>
internal readonly struct LessThanOrEqualOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.BitwiseAnd(L.LessThanOrEqual(a, b), L.One);
}

/// <summary>x ↦ 1 outside [0, 1] (NaN included), else 0.</summary>
internal readonly struct OutsideUnitIntervalOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.BitwiseAnd(L.GreaterThanOrEqual(x, L.Zero), L.LessThanOrEqual(x, L.One)), L.Zero, L.One);
}

/// <summary>x ↦ 1 where x is negative or NaN, else 0.</summary>
internal readonly struct NegativeOrNaNOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.GreaterThanOrEqual(x, L.Zero), L.Zero, L.One);
}

/// <summary>x ↦ 1 where x = 1, else 0.</summary>
internal readonly struct EqualsOneOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.BitwiseAnd(L.Equals(x, L.One), L.One);
}
