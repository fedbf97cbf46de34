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
        var op = new BindRight<MultiplyOp, double>(new MultiplyOp(), -scale);
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
                Simd.Map(y, alpha, new BindLeft<SubtractOp, double>(new SubtractOp(), 1)); // 1 − y
                y.CopyTo(beta);
            }
            if (weight.IsPresent) MultiplyBoth(alpha, beta, weight.Segment(start, length, classes));
            if (posWeight.IsPresent) Simd.Zip(beta, posWeight.Segment(start, length, classes), beta, new MultiplyOp());
            if (!gradOutput.IsEmpty) MultiplyBoth(alpha, beta, gradOutput);
            if (scale != 1)
            {
                Simd.Zip(alpha, T.CreateTruncating(scale), alpha, new MultiplyOp());
                Simd.Zip(beta, T.CreateTruncating(scale), beta, new MultiplyOp());
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
    public T Invoke<T>(T z, T alpha, T beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T log1pE = VectorMath.Log1p(T.Exp(-T.Abs(z)));
        return alpha * (T.Max(z, T.Zero) + log1pE) + beta * (T.Max(-z, T.Zero) + log1pE);
    }

    public Vector128<T> Invoke<T>(Vector128<T> z, Vector128<T> alpha, Vector128<T> beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var log1pE = HeadMath.Log1pUnit(VectorMath.Exp(-Vector128.Abs(z)));
        return alpha * (Vector128.Max(z, Vector128<T>.Zero) + log1pE) + beta * (Vector128.Max(-z, Vector128<T>.Zero) + log1pE);
    }

    public Vector256<T> Invoke<T>(Vector256<T> z, Vector256<T> alpha, Vector256<T> beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var log1pE = HeadMath.Log1pUnit(VectorMath.Exp(-Vector256.Abs(z)));
        return alpha * (Vector256.Max(z, Vector256<T>.Zero) + log1pE) + beta * (Vector256.Max(-z, Vector256<T>.Zero) + log1pE);
    }

    public Vector512<T> Invoke<T>(Vector512<T> z, Vector512<T> alpha, Vector512<T> beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var log1pE = HeadMath.Log1pUnit(VectorMath.Exp(-Vector512.Abs(z)));
        return alpha * (Vector512.Max(z, Vector512<T>.Zero) + log1pE) + beta * (Vector512.Max(-z, Vector512<T>.Zero) + log1pE);
    }
}

/// <summary>(z, α, β) ↦ α·σ(z) − β·σ(−z), both sigmoids from e = e^−|z|.</summary>
internal readonly struct BceGradOp : ITernaryOp
{
    public T Invoke<T>(T z, T alpha, T beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T e = T.Exp(-T.Abs(z));
        T large = T.One / (T.One + e), small = e * large; // σ(|z|) and σ(−|z|)
        return z >= T.Zero ? alpha * large - beta * small : alpha * small - beta * large;
    }

    public Vector128<T> Invoke<T>(Vector128<T> z, Vector128<T> alpha, Vector128<T> beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = VectorMath.Exp(-Vector128.Abs(z));
        var large = Vector128<T>.One / (Vector128<T>.One + e);
        var small = e * large;
        var positive = Vector128.GreaterThanOrEqual(z, Vector128<T>.Zero);
        return alpha * Vector128.ConditionalSelect(positive, large, small) - beta * Vector128.ConditionalSelect(positive, small, large);
    }

    public Vector256<T> Invoke<T>(Vector256<T> z, Vector256<T> alpha, Vector256<T> beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = VectorMath.Exp(-Vector256.Abs(z));
        var large = Vector256<T>.One / (Vector256<T>.One + e);
        var small = e * large;
        var positive = Vector256.GreaterThanOrEqual(z, Vector256<T>.Zero);
        return alpha * Vector256.ConditionalSelect(positive, large, small) - beta * Vector256.ConditionalSelect(positive, small, large);
    }

    public Vector512<T> Invoke<T>(Vector512<T> z, Vector512<T> alpha, Vector512<T> beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = VectorMath.Exp(-Vector512.Abs(z));
        var large = Vector512<T>.One / (Vector512<T>.One + e);
        var small = e * large;
        var positive = Vector512.GreaterThanOrEqual(z, Vector512<T>.Zero);
        return alpha * Vector512.ConditionalSelect(positive, large, small) - beta * Vector512.ConditionalSelect(positive, small, large);
    }
}

/// <summary>(z, y) ↦ the loss with α = 1 − y, β = y.</summary>
internal readonly struct BceLabelLossOp : IBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke<T>(T z, T y) where T : unmanaged, IFloatingPointIeee754<T> => new BceLossOp().Invoke(z, T.One - y, y);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<T> Invoke<T>(Vector128<T> z, Vector128<T> y) where T : unmanaged, IFloatingPointIeee754<T> => new BceLossOp().Invoke(z, Vector128<T>.One - y, y);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke<T>(Vector256<T> z, Vector256<T> y) where T : unmanaged, IFloatingPointIeee754<T> => new BceLossOp().Invoke(z, Vector256<T>.One - y, y);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<T> Invoke<T>(Vector512<T> z, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T> => new BceLossOp().Invoke(z, Vector512<T>.One - y, y);
}

/// <summary>(z, y) ↦ scale·((1 − y)·σ(z) − y·σ(−z)), which is scale·(σ(z) − y) without its cancellation.</summary>
internal readonly struct BceLabelGradOp(double scale) : IBinaryOp
{
    private readonly Constant _scale = new(scale);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke<T>(T z, T y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = _scale.Get<T>();
        return new BceGradOp().Invoke(z, s - s * y, s * y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<T> Invoke<T>(Vector128<T> z, Vector128<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = Vector128.Create(_scale.Get<T>());
        return new BceGradOp().Invoke(z, s - s * y, s * y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke<T>(Vector256<T> z, Vector256<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = Vector256.Create(_scale.Get<T>());
        return new BceGradOp().Invoke(z, s - s * y, s * y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<T> Invoke<T>(Vector512<T> z, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = Vector512.Create(_scale.Get<T>());
        return new BceGradOp().Invoke(z, s - s * y, s * y);
    }
}
