using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// Elementwise kernels are small structs implementing one of these interfaces, passed as generic arguments to the
// drivers in Simd (the design of .NET's TensorPrimitives). Each operator has ONE body, generic in the element type
// T, the vector type TV and the lanes L that operate on it (see Lanes.cs): the JIT specialises it for every
// (operator, T, width) and inlines it, and because the body is the same sequence of IEEE operations at every
// width — the scalar tail included — an operator gives the same bits on every CPU.

/// <summary>An elementwise function y = f(x). An instance method, so an operator can carry parameters (a slope, a bound).</summary>
internal interface IUnaryOp
{
    TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>;
}

/// <summary>An elementwise function of two arguments, y = f(a, b).</summary>
internal interface IBinaryOp
{
    TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>;
}

/// <summary>An elementwise function of three arguments, y = f(a, b, c).</summary>
internal interface ITernaryOp
{
    TV Invoke<T, TV, L>(TV a, TV b, TV c) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>;
}

/// <summary>The four arithmetic operators, shared by the ops and the gradient kernels.</summary>
internal readonly struct AddOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Add(a, b);
}

/// <inheritdoc cref="AddOp"/>
internal readonly struct SubtractOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Subtract(a, b);
}

/// <inheritdoc cref="AddOp"/>
internal readonly struct MultiplyOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Multiply(a, b);
}

/// <inheritdoc cref="AddOp"/>
internal readonly struct DivideOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Divide(a, b);
}

/// <summary>x ↦ −x.</summary>
internal readonly struct NegateOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Negate(x);
}

/// <summary>(a, b) ↦ max(a, b), NaN-propagating.</summary>
internal readonly struct MaxOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Max(a, b);
}

// Adapters that let the three drivers serve scalar operands and accumulation too.

/// <summary>x ↦ op(x, value); the value is rounded to the element type where used.</summary>
internal readonly struct BindRight<TOp>(TOp op, double value) : IUnaryOp where TOp : struct, IBinaryOp
{
    private readonly Constant _value = new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        op.Invoke<T, TV, L>(x, L.Broadcast(_value.Get<T>()));
}

/// <summary>x ↦ op(value, x); the value is rounded to the element type where used.</summary>
internal readonly struct BindLeft<TOp>(TOp op, double value) : IUnaryOp where TOp : struct, IBinaryOp
{
    private readonly Constant _value = new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        op.Invoke<T, TV, L>(L.Broadcast(_value.Get<T>()), x);
}

/// <summary>(acc, x) ↦ acc + op(x).</summary>
internal readonly struct AddUnary<TOp>(TOp op) : IBinaryOp where TOp : struct, IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV acc, TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.Add(acc, op.Invoke<T, TV, L>(x));
}

/// <summary>(acc, a, b) ↦ acc + op(a, b).</summary>
internal readonly struct AddBinary<TOp>(TOp op) : ITernaryOp where TOp : struct, IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV acc, TV a, TV b) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.Add(acc, op.Invoke<T, TV, L>(a, b));
}
