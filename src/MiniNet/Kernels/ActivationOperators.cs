using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// The activations' kernels (Ops/Activations.cs and Ops/Gelu.cs hold the ops). Every kernel is stable for any
// finite input and passes NaN through, as PyTorch's do.

/// <summary>tanh x.</summary>
internal readonly struct TanhOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => ElementaryFunctions.Tanh<T, TV, L>(x);
}

/// <summary>(g, y = tanh x) ↦ g·(1 − y²).</summary>
internal readonly struct TanhBackwardOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV g, TV y) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.Multiply(g, L.Subtract(L.One, L.Multiply(y, y)));
}

/// <summary>
/// σ(x) with e = e^−|x| (never overflows): 1/(1 + e) for x ≥ 0 and e/(1 + e) for x &lt; 0 — one division
/// either way, so both halves are correctly rounded from e, each accurate where the other form would not be.
/// </summary>
internal readonly struct SigmoidOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var e = ElementaryFunctions.Exp<T, TV, L>(L.Negate(L.Abs(x)));
        return L.Divide(L.ConditionalSelect(L.LessThan(x, L.Zero), e, L.One), L.Add(L.One, e));
    }
}

/// <summary>(g, y = σ(x)) ↦ g·y·(1 − y).</summary>
internal readonly struct SigmoidBackwardOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV g, TV y) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.Multiply(L.Multiply(g, y), L.Subtract(L.One, y));
}

/// <summary>max(x, 0); the IEEE maximum keeps NaN.</summary>
internal readonly struct ReluOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => L.Max(x, L.Zero);
}

/// <summary>(g, y = relu x) ↦ g where y &gt; 0, else 0 (PyTorch's threshold_backward).</summary>
internal readonly struct ReluBackwardOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV g, TV y) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.BitwiseAnd(L.GreaterThan(y, L.Zero), g);
}

/// <summary>x for x &gt; 0, slope·x otherwise (the slope rounded to the element type first, as PyTorch).</summary>
internal readonly struct LeakyReluOp(double slope) : IUnaryOp
{
    private readonly Constant _slope = new(slope);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.GreaterThan(x, L.Zero), x, L.Multiply(x, L.Broadcast(_slope.Get<T>())));
}

/// <summary>(g, x) ↦ g for x &gt; 0, g·slope otherwise.</summary>
internal readonly struct LeakyReluBackwardOp(double slope) : IBinaryOp
{
    private readonly Constant _slope = new(slope);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV g, TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.GreaterThan(x, L.Zero), g, L.Multiply(g, L.Broadcast(_slope.Get<T>())));
}

/// <summary>(max(βx, 0) + log1p(e^−|βx|)) / β, or x where βx &gt; threshold.</summary>
internal readonly struct SoftplusOp(double beta, double threshold) : IUnaryOp
{
    private readonly Constant _beta = new(beta), _threshold = new(threshold);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var b = L.Broadcast(_beta.Get<T>());
        var bx = L.Multiply(b, x);
        var soft = L.Divide(L.Add(L.Max(bx, L.Zero), ElementaryFunctions.Log1p<T, TV, L>(ElementaryFunctions.Exp<T, TV, L>(L.Negate(L.Abs(bx))))), b);
        return L.ConditionalSelect(L.GreaterThan(bx, L.Broadcast(_threshold.Get<T>())), x, soft);
    }
}

/// <summary>(g, x) ↦ g·σ(βx), or g where βx &gt; threshold.</summary>
internal readonly struct SoftplusBackwardOp(double beta, double threshold) : IBinaryOp
{
    private readonly Constant _beta = new(beta), _threshold = new(threshold);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV g, TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var bx = L.Multiply(L.Broadcast(_beta.Get<T>()), x);
        return L.ConditionalSelect(L.GreaterThan(bx, L.Broadcast(_threshold.Get<T>())), g, L.Multiply(g, new SigmoidOp().Invoke<T, TV, L>(bx)));
    }
}

/// <summary>min(max(x, lo), hi); the IEEE maximum and minimum keep NaN.</summary>
internal readonly struct ClampOp(double lo, double hi) : IUnaryOp
{
    private readonly Constant _lo = new(lo), _hi = new(hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.Min(L.Max(x, L.Broadcast(_lo.Get<T>())), L.Broadcast(_hi.Get<T>()));
}

/// <summary>(g, x) ↦ g where lo ≤ x ≤ hi, else 0 (PyTorch's clamp_backward).</summary>
internal readonly struct ClampBackwardOp(double lo, double hi) : IBinaryOp
{
    private readonly Constant _lo = new(lo), _hi = new(hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV g, TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.BitwiseAnd(L.BitwiseAnd(L.GreaterThanOrEqual(x, L.Broadcast(_lo.Get<T>())), L.LessThanOrEqual(x, L.Broadcast(_hi.Get<T>()))), g);
}
