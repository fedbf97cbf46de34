using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

// The fused sigmoid + binary cross-entropy, per logit z with two coefficients α and β:
//
//     loss = α·softplus(z) + β·softplus(−z)        ∂loss/∂z = α·σ(z) − β·σ(−z)
//
// PyTorch's BCEWithLogitsLoss is α = w·(1 − y), β = w·pw·y (target y, weight w, positive weight pw):
// its `(1 − y)·z + (1 + (pw − 1)·y)·softplus(−z)` is the same function, rearranged with
// softplus(z) − softplus(−z) = z. This symmetric form never subtracts two large numbers: every piece
// comes from e = e^−|z| ≤ 1, which cannot overflow,
//
//     softplus(±z) = max(±z, 0) + log1p(e)        σ(|z|) = 1 / (1 + e)        σ(−|z|) = e / (1 + e)
//
// so a confident correct logit (z = 40, y = 1) costs log1p(e^−40) = 4.2e-18 with gradient −4.2e-18 (not
// the 0 and 0 that 1 − σ(z) rounds to), and z = ±float.MaxValue stays finite.
internal static class BinaryCrossEntropy
{
    /// <summary>The general path works on segments of at most this many elements, so its coefficient scratch stays in L1.</summary>
    public const int SegmentLength = 1024;

    // The plain case, y only (α = 1 − y, β = y): one pass over the whole tensor, no scratch.

    public static double LossSum<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets) where T : unmanaged, IFloatingPointIeee754<T> =>
        Simd.ZipSum(logits, targets, new BceLabelLossOp());

    public static void Losses<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> losses) where T : unmanaged, IFloatingPointIeee754<T> =>
        Simd.Zip(logits, targets, losses, new BceLabelLossOp());

    // The backward kernels store into the gradient, or add to it when it already holds a gradient (accumulate).

    /// <summary>dz (+)= scale·(σ(z) − y), in the cancellation-free form (1 − y)·σ(z) − y·σ(−z).</summary>
    public static void Gradient<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> dLogits, double scale, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (accumulate) Simd.ZipAdd(logits, targets, dLogits, new BceLabelGradOp(scale));
        else Simd.Zip(logits, targets, dLogits, new BceLabelGradOp(scale));
    }

    /// <summary>dy (+)= scale·∂loss/∂y = scale·(softplus(−z) − softplus(z)) = −scale·z.</summary>
    public static void TargetGradient<T>(ReadOnlySpan<T> logits, Span<T> dTargets, double scale, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var op = new BindRight<MultiplyOp>(new MultiplyOp(), -scale);
        if (accumulate) Simd.MapAdd(logits, dTargets, op);
        else Simd.Map(logits, dTargets, op);
    }

    // The general case: weight, positive weight, or a per-element incoming gradient (reduction None).
    // Each segment first builds its α and β in scratch, then runs one pass of the coefficient op.

    public static double LossSum<T>(in Terms<T> terms, ReadOnlySpan<T> logits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> alpha = stackalloc T[SegmentLength], beta = stackalloc T[SegmentLength];
        double total = 0;
        for (int start = 0, length; start < logits.Length; start += length)
        {
            length = terms.SegmentAt(start, logits.Length);
            terms.Coefficients(start, length, alpha, beta, default, 1, forTargets: false);
            total += Simd.ZipSum(logits.Slice(start, length), alpha[..length], beta[..length], new BceLossOp());
        }
        return total;
    }

    public static void Losses<T>(in Terms<T> terms, ReadOnlySpan<T> logits, Span<T> losses) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> alpha = stackalloc T[SegmentLength], beta = stackalloc T[SegmentLength];
        for (int start = 0, length; start < logits.Length; start += length)
        {
            length = terms.SegmentAt(start, logits.Length);
            terms.Coefficients(start, length, alpha, beta, default, 1, forTargets: false);
            Simd.Zip(logits.Slice(start, length), alpha[..length], beta[..length], losses.Slice(start, length), new BceLossOp());
        }
    }

    /// <summary>
    /// dz (+)= scale·g·(α·σ(z) − β·σ(−z)), or with <paramref name="forTargets"/> dy (+)= scale·g·∂loss/∂y,
    /// which is the loss op itself with α = −w and β = w·pw. <paramref name="gradOutput"/> is the
    /// per-element incoming gradient (reduction None) or empty.
    /// </summary>
    public static void Gradient<T>(in Terms<T> terms, ReadOnlySpan<T> logits, ReadOnlySpan<T> gradOutput, double scale, Span<T> gradient,
        bool forTargets, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> alpha = stackalloc T[SegmentLength], beta = stackalloc T[SegmentLength], step = stackalloc T[SegmentLength];
        for (int start = 0, length; start < logits.Length; start += length)
        {
            length = terms.SegmentAt(start, logits.Length);
            var g = gradOutput.IsEmpty ? default : gradOutput.Slice(start, length);
            terms.Coefficients(start, length, alpha, beta, g, scale, forTargets);
            var z = logits.Slice(start, length);
            var destination = accumulate ? step[..length] : gradient.Slice(start, length);
            if (forTargets) Simd.Zip(z, alpha[..length], beta[..length], destination, new BceLossOp());
            else Simd.Zip(z, alpha[..length], beta[..length], destination, new BceGradOp());
            if (!accumulate) continue;
            var accumulator = gradient.Slice(start, length);
            Simd.Zip(accumulator, step[..length], accumulator, new AddOp());
        }
    }

    /// <summary>
    /// What the general path needs besides the logits: the targets, and the weight and positive weight
    /// each either absent, one value per class (tiled, see <see cref="Operand{T}"/>), or one per element.
    /// </summary>
    internal readonly ref struct Terms<T>(ReadOnlySpan<T> targets, Operand<T> weight, Operand<T> posWeight, int classes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _targets = targets;

        /// <summary>
        /// The length of the segment starting at <paramref name="start"/>: whole rows when a row fits in
        /// <see cref="SegmentLength"/> (so per-class values line up with the tile), else a piece of one row.
        /// </summary>
        public int SegmentAt(int start, int total) => classes <= SegmentLength
            ? Math.Min(SegmentLength / classes * classes, total - start)
            : Math.Min(SegmentLength, classes - start % classes);

        /// <summary>α = s·g·w·(1 − y) and β = s·g·w·pw·y; for the targets' gradient α = −s·g·w and β = s·g·w·pw.</summary>
        public void Coefficients(int start, int length, Span<T> alpha, Span<T> beta, ReadOnlySpan<T> gradOutput, double scale, bool forTargets)
        {
            alpha = alpha[..length];
            beta = beta[..length];
            if (forTargets)
            {
                alpha.Fill(-T.One);
                beta.Fill(T.One);
            }
            else
            {
                var y = _targets.Slice(start, length);
                Simd.Map(y, alpha, new BindLeft<SubtractOp>(new SubtractOp(), 1)); // 1 − y
                y.CopyTo(beta);
            }
            if (weight.IsPresent) MultiplyBoth(alpha, beta, weight.Segment(start, length, classes));
            if (posWeight.IsPresent) Simd.Zip(beta, posWeight.Segment(start, length, classes), beta, new MultiplyOp());
            if (!gradOutput.IsEmpty) MultiplyBoth(alpha, beta, gradOutput);
            if (scale != 1)
            {
                Simd.Zip(alpha, scale, alpha, new MultiplyOp());
                Simd.Zip(beta, scale, beta, new MultiplyOp());
            }
        }

        private static void MultiplyBoth(Span<T> alpha, Span<T> beta, ReadOnlySpan<T> factor)
        {
            Simd.Zip(alpha, factor, alpha, new MultiplyOp());
            Simd.Zip(beta, factor, beta, new MultiplyOp());
        }
    }

    /// <summary>
    /// A weight-like operand of the general path: absent, one value per element, or one value per class
    /// stored as a tile — the class values repeated over one segment's whole rows — so that a segment's
    /// values are always one contiguous slice.
    /// </summary>
    internal readonly struct Operand<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T[]? _values;
        private readonly bool _perClass;

        private Operand(T[] values, bool perClass)
        {
            _values = values;
            _perClass = perClass;
        }

        public bool IsPresent => _values is not null;

        public static Operand<T> PerElement(T[] values) => new(values, perClass: false);

        public static Operand<T> PerClass(ReadOnlySpan<T> classValues)
        {
            int classes = classValues.Length;
            int rowsPerSegment = classes <= SegmentLength ? SegmentLength / classes : 1;
            var tile = new T[rowsPerSegment * classes];
            for (int row = 0; row < rowsPerSegment; row++) classValues.CopyTo(tile.AsSpan(row * classes));
            return new Operand<T>(tile, perClass: true);
        }

        public ReadOnlySpan<T> Segment(int start, int length, int classes) =>
            _perClass ? _values.AsSpan(start % classes, length) : _values.AsSpan(start, length);
    }
}

/// <summary>(z, α, β) ↦ α·softplus(z) + β·softplus(−z).</summary>
internal readonly struct BceLossOp : ITernaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV z, TV alpha, TV beta) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var log1pE = HeadMath.Log1pUnit<T, TV, L>(ElementaryFunctions.Exp<T, TV, L>(L.Negate(L.Abs(z))));
        var positivePart = L.Add(L.Max(z, L.Zero), log1pE);              // softplus(z)
        var negativePart = L.Add(L.Max(L.Negate(z), L.Zero), log1pE);    // softplus(−z)
        return L.Add(L.Multiply(alpha, positivePart), L.Multiply(beta, negativePart));
    }
}

/// <summary>(z, α, β) ↦ α·σ(z) − β·σ(−z), both sigmoids from e = e^−|z|.</summary>
internal readonly struct BceGradOp : ITernaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV z, TV alpha, TV beta) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var e = ElementaryFunctions.Exp<T, TV, L>(L.Negate(L.Abs(z)));
        var large = L.Divide(L.One, L.Add(L.One, e)); // σ(|z|)
        var small = L.Multiply(e, large);              // σ(−|z|)
        var positive = L.GreaterThanOrEqual(z, L.Zero);
        return L.Subtract(L.Multiply(alpha, L.ConditionalSelect(positive, large, small)), L.Multiply(beta, L.ConditionalSelect(positive, small, large)));
    }
}

/// <summary>(z, y) ↦ the loss with α = 1 − y, β = y.</summary>
internal readonly struct BceLabelLossOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV z, TV y) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        new BceLossOp().Invoke<T, TV, L>(z, L.Subtract(L.One, y), y);
}

/// <summary>(z, y) ↦ scale·((1 − y)·σ(z) − y·σ(−z)), which is scale·(σ(z) − y) without its cancellation.</summary>
internal readonly struct BceLabelGradOp(double scale) : IBinaryOp
{
    private readonly Constant _scale = new(scale);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV z, TV y) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var s = L.Broadcast(_scale.Get<T>());
        var sy = L.Multiply(s, y);
        return new BceGradOp().Invoke<T, TV, L>(z, L.Subtract(s, sy), sy);
    }
}
