using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// Elementwise tests that give 1 where true and 0 where false, so that a MapSum counts the elements that pass
// (the heads' linters) and a Map makes 0/1 predictions (the sigmoid head).

/// <summary>(p, t) ↦ 1 where p &gt; t, else 0.</summary>
internal readonly struct IsAboveOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV p, TV t) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.BitwiseAnd(L.GreaterThan(p, t), L.One);
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
