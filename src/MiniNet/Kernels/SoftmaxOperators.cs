using System.Runtime.CompilerServices;
using System.Numerics;

namespace MiniNet.Kernels;

// The softmax kernels (Ops/Softmax.cs holds the ops).

/// <summary>x ↦ e^(x − shift).</summary>
internal readonly struct ExpShiftedOp(double shift) : IUnaryOp
{
    private readonly Constant _shift = new(shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        ElementaryFunctions.Exp<T, TV, L>(L.Subtract(x, L.Broadcast(_shift.Get<T>())));
}

/// <summary>x ↦ (x − max) − logSum.</summary>
internal readonly struct LogSoftmaxShiftOp(double max, double logSum) : IUnaryOp
{
    private readonly Constant _max = new(max), _logSum = new(logSum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.Subtract(L.Subtract(x, L.Broadcast(_max.Get<T>())), L.Broadcast(_logSum.Get<T>()));
}

/// <summary>(y, g) ↦ y·(g − dot): the softmax backward.</summary>
internal readonly struct ScaledDifferenceOp(double dot) : IBinaryOp
{
    private readonly Constant _dot = new(dot);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV y, TV g) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.Multiply(y, L.Subtract(g, L.Broadcast(_dot.Get<T>())));
}

/// <summary>(g, y) ↦ g − e^y·total: the log-softmax backward.</summary>
internal readonly struct LogSoftmaxGradOp(double total) : IBinaryOp
{
    private readonly Constant _total = new(total);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV g, TV y) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.Subtract(g, L.Multiply(ElementaryFunctions.Exp<T, TV, L>(y), L.Broadcast(_total.Get<T>())));
}
