using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// Elementwise choices steered by a mask (Where, MaskedFill and their gradients). A mask element counts as true when
// it is not zero — NaN included, as a NaN converts to true in PyTorch and NumPy — so a 0/1 mask from Eq … Le reads
// as it should, and −0 is false.

/// <summary>(mask, a, b) ↦ a where the mask is nonzero, else b.</summary>
internal readonly struct SelectOp : ITernaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV mask, TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.Equals(mask, L.Zero), b, a);
}

/// <summary>(mask, x) ↦ x where the mask is nonzero, else 0: the part of a gradient that Where's first choice receives.</summary>
internal readonly struct KeepWhereOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV mask, TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.Equals(mask, L.Zero), L.Zero, x);
}

/// <summary>(mask, x) ↦ value where the mask is nonzero, else x; the value is rounded to the element type.</summary>
internal readonly struct FillWhereOp(double value) : IBinaryOp
{
    private readonly Constant _value = new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV mask, TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.Equals(mask, L.Zero), x, L.Broadcast(_value.Get<T>()));
}
