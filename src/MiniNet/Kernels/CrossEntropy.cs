using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

// The fused softmax + cross-entropy, one row of logits z at a time. Every variant of PyTorch's
// CrossEntropyLoss (class weights, label smoothing, probability targets) counts each class's −log p_c with
// a non-negative coefficient a_c, so one row's loss and gradient are
//
//     loss = Σ_c a_c·(−log p_c)        ∂loss/∂z = A·p − a,   A = Σ_c a_c
//
// with −log p_c = (m − z_c) + log Σ_j e^(z_j − m), m the row's maximum (so no e^z ever overflows).
// A row is described by its two statistics (m, log Σ): forward computes them, backward recomputes p from
// them in the same pass that writes the gradient — two numbers per row are all the op keeps.
internal static class CrossEntropy
{
    /// <summary>
    /// The statistics (m, log Σ_j e^(z_j − m)) of every row of <paramref name="logits"/>: two passes over each row (it
    /// stays in cache) give m and the sum, and the logarithms are taken afterwards, all rows at once in vectors. A row
    /// whose label is <paramref name="ignoreIndex"/> (where there are <paramref name="labels"/>) gets (0, 0).
    /// </summary>
    public static void RowStatistics<T>(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> labels, int ignoreIndex, Span<double> max, Span<double> logSum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < max.Length; r++)
        {
            if (!labels.IsEmpty && labels[r] == ignoreIndex)
            {
                (max[r], logSum[r]) = (0, 1);
                continue;
            }
            var row = logits.Slice(r * classes, classes);
            max[r] = double.CreateTruncating(Simd.Max(row));
            logSum[r] = Simd.MapSum(row, new ExpMinusOp(max[r]));
        }
        Simd.Map<double, LogOp>(logSum, logSum, default);
    }

    /// <summary>−log p of one logit, in double: m − z cannot overflow there.</summary>
    public static double NegLogProbability(double logit, double max, double logSum) => (max - logit) + logSum;

    /// <summary>Σ_c −log p_c over the row.</summary>
    public static double NegLogProbabilitySum<T>(ReadOnlySpan<T> row, double max, double logSum) where T : unmanaged, IFloatingPointIeee754<T> =>
        2 * Simd.MapSum(row, new NegLogProbabilityOp(max, logSum, 0.5));

    /// <summary>Σ_c a_c·(−log p_c) over the row; a class with a_c = 0 adds exactly 0.</summary>
    public static double WeightedNegLogProbabilitySum<T>(ReadOnlySpan<T> row, ReadOnlySpan<T> coefficients, double max, double logSum)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        2 * Simd.ZipSum(row, coefficients, new WeightedNegLogProbabilityOp(max, logSum, 0.5));

    // The backward kernels store into the gradient, or add to it when it already holds a gradient (accumulate).

    /// <summary>dz_c (+)= factor·p_c − offset, for every class c.</summary>
    public static void ScaledSoftmax<T>(ReadOnlySpan<T> row, double max, double logSum, double factor, double offset, Span<T> gradient, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var op = new ScaledSoftmaxOp(max, logSum, factor, offset);
        if (accumulate) Simd.MapAdd(row, gradient, op);
        else Simd.Map(row, gradient, op);
    }

    /// <summary>dz_c (+)= factor·p_c − scale·a_c, for every class c.</summary>
    public static void ScaledSoftmaxMinus<T>(ReadOnlySpan<T> row, ReadOnlySpan<T> coefficients, double max, double logSum, double factor, double scale,
        Span<T> gradient, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var op = new ScaledSoftmaxMinusOp(max, logSum, factor, scale);
        if (accumulate) Simd.ZipAdd(row, coefficients, gradient, op);
        else Simd.Zip(row, coefficients, gradient, op);
    }

    /// <summary>dt_c (+)= factor·(−log p_c) (the gradient with respect to probability targets).</summary>
    public static void NegLogProbability<T>(ReadOnlySpan<T> row, double max, double logSum, double factor, Span<T> gradient, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var op = new NegLogProbabilityOp(max, logSum, factor);
        if (accumulate) Simd.MapAdd(row, gradient, op);
        else Simd.Map(row, gradient, op);
    }

    /// <summary>dt_c (+)= factor·w_c·(−log p_c).</summary>
    public static void WeightedNegLogProbability<T>(ReadOnlySpan<T> row, ReadOnlySpan<T> weights, double max, double logSum, double factor,
        Span<T> gradient, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var op = new WeightedNegLogProbabilityOp(max, logSum, factor);
        if (accumulate) Simd.ZipAdd(row, weights, gradient, op);
        else Simd.Zip(row, weights, gradient, op);
    }
}

/// <summary>x ↦ e^(x − max).</summary>
internal readonly struct ExpMinusOp(double max) : IUnaryOp
{
    private readonly Constant _max = new(max);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        ElementaryFunctions.Exp<T, TV, L>(L.Subtract(x, L.Broadcast(_max.Get<T>())));
}

/// <summary>
/// x ↦ factor·(−log p(x)), computed as 2·factor·((m/2 − x/2) + log Σ/2): halving first keeps m − x finite
/// even for m = float.MaxValue and x = −float.MaxValue, whose difference the dtype cannot hold.
/// </summary>
internal readonly struct NegLogProbabilityOp(double max, double logSum, double factor) : IUnaryOp
{
    private readonly Constant _halfMax = new(max), _halfLogSum = new(logSum / 2), _twiceFactor = new(2 * factor);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var half = L.Broadcast(T.CreateTruncating(0.5));
        var halfDistance = L.Subtract(L.Multiply(L.Broadcast(_halfMax.Get<T>()), half), L.Multiply(x, half));
        return L.Multiply(L.Broadcast(_twiceFactor.Get<T>()), L.Add(halfDistance, L.Broadcast(_halfLogSum.Get<T>())));
    }
}

/// <summary>(x, a) ↦ factor·a·(−log p(x)), and exactly 0 where a = 0 (even where −log p overflows the dtype).</summary>
internal readonly struct WeightedNegLogProbabilityOp(double max, double logSum, double factor) : IBinaryOp
{
    private readonly NegLogProbabilityOp _negLogProbability = new(max, logSum, factor);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x, TV a) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.Equals(a, L.Zero), L.Zero, L.Multiply(a, _negLogProbability.Invoke<T, TV, L>(x)));
}

/// <summary>x ↦ factor·p(x) − offset, with p(x) = e^((x − m) − log Σ): the softmax recomputed from the row statistics.</summary>
internal readonly struct ScaledSoftmaxOp(double max, double logSum, double factor, double offset) : IUnaryOp
{
    private readonly Constant _max = new(max), _logSum = new(logSum), _factor = new(factor), _offset = new(offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var p = ElementaryFunctions.Exp<T, TV, L>(L.Subtract(L.Subtract(x, L.Broadcast(_max.Get<T>())), L.Broadcast(_logSum.Get<T>())));
        return L.Subtract(L.Multiply(L.Broadcast(_factor.Get<T>()), p), L.Broadcast(_offset.Get<T>()));
    }
}

/// <summary>(x, a) ↦ factor·p(x) − scale·a.</summary>
internal readonly struct ScaledSoftmaxMinusOp(double max, double logSum, double factor, double scale) : IBinaryOp
{
    private readonly ScaledSoftmaxOp _softmax = new(max, logSum, factor, 0);
    private readonly Constant _scale = new(scale);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x, TV a) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.Subtract(_softmax.Invoke<T, TV, L>(x), L.Multiply(L.Broadcast(_scale.Get<T>()), a));
}
