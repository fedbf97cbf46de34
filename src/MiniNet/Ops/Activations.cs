using System.Numerics;
using System.Runtime.Intrinsics;
using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// Activation functions and clamp. Forward, then the backward rule with the value it saves, then the kernels.
// Every kernel is stable for any finite input and passes NaN through, as PyTorch's do.
public sealed partial class Tensor
{
    /// <summary>The hyperbolic tangent elementwise.</summary>
    public Tensor Tanh()
    {
        var y = Elementwise.Map(this, new TanhOp());
        return Tape.Record("Tanh", y, [this], saved: [y], (g, grads) =>
            grads.AddInto(this, g, y, new TanhBackwardOp())); // dx += g·(1 − y²)
    }

    /// <summary>The logistic sigmoid σ(x) = 1 / (1 + e^−x) elementwise.</summary>
    public Tensor Sigmoid()
    {
        var y = Elementwise.Map(this, new SigmoidOp());
        return Tape.Record("Sigmoid", y, [this], saved: [y], (g, grads) =>
            grads.AddInto(this, g, y, new SigmoidBackwardOp())); // dx += g·y·(1 − y)
    }

    /// <summary>max(x, 0) elementwise.</summary>
    public Tensor Relu()
    {
        var y = Elementwise.Map(this, new ReluOp());
        return Tape.Record("Relu", y, [this], saved: [y], (g, grads) =>
            grads.AddInto(this, g, y, new ReluBackwardOp())); // dx += g where y > 0
    }

    /// <summary>
    /// x for x &gt; 0, <paramref name="negativeSlope"/>·x otherwise (PyTorch's default slope 0.01). Any finite slope is
    /// accepted, as PyTorch accepts any <c>negative_slope</c>: negative, 0 (ReLU) or above 1 included.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The slope is NaN or infinite, or too large in magnitude for the tensor's dtype.</exception>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        CheckNegativeSlope(negativeSlope, nameof(LeakyRelu));
        // Rounded to float32 a slope beyond ±3.4e38 becomes ±∞, and 0·∞ = NaN at x = 0.
        if (DType == DType.Float32 && !float.IsFinite((float)negativeSlope))
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope,
                $"LeakyRelu: negativeSlope {negativeSlope:G7} is beyond Float32's range (±3.4e38) and would round to infinity; use a smaller slope or a Float64 tensor.");
        var y = Elementwise.Map(this, new LeakyReluOp(negativeSlope));
        return Tape.Record("LeakyRelu", y, [this], saved: [this], (g, grads) =>
            grads.AddInto(this, g, this, new LeakyReluBackwardOp(negativeSlope))); // dx += g·(x > 0 ? 1 : slope)
    }

    /// <summary>
    /// log(1 + e^(βx)) / β elementwise, and x itself where βx &gt; <paramref name="threshold"/> (PyTorch's
    /// <c>softplus(x, beta=1, threshold=20)</c>), computed as (max(βx, 0) + log1p(e^−|βx|)) / β so it never overflows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is not positive and finite, or <paramref name="threshold"/> is NaN.</exception>
    public Tensor Softplus(double beta = 1, double threshold = 20)
    {
        CheckSoftplus(beta, threshold, nameof(Softplus));
        var y = Elementwise.Map(this, new SoftplusOp(beta, threshold));
        return Tape.Record("Softplus", y, [this], saved: [this], (g, grads) =>
            grads.AddInto(this, g, this, new SoftplusBackwardOp(beta, threshold))); // dx += g·σ(βx), or g above the threshold
    }

    /// <summary>
    /// Refuses a leaky ReLU slope that is NaN or ±∞ (the op's, the layer's and the initialisers' check);
    /// <paramref name="owner"/> names the caller and <paramref name="parameter"/> its argument.
    /// </summary>
    internal static double CheckNegativeSlope(double negativeSlope, string owner, string parameter = "negativeSlope")
    {
        if (!double.IsFinite(negativeSlope))
            throw new ArgumentOutOfRangeException(parameter, negativeSlope,
                $"{owner}: {parameter} is {negativeSlope}; expected a finite slope (0.01 by default; PyTorch accepts any finite slope).");
        return negativeSlope;
    }

    /// <summary>Refuses a softplus β that is not positive and finite, and a NaN threshold (a threshold of ±∞ means never or always linear).</summary>
    internal static void CheckSoftplus(double beta, double threshold, string owner)
    {
        if (!(beta > 0) || !double.IsFinite(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"{owner}: beta is {beta}; expected a positive, finite number (1 by default).");
        if (double.IsNaN(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"{owner}: threshold is NaN; expected a number (20 by default) above which βx counts as linear.");
    }

    /// <summary>
    /// Clamps every element into [<paramref name="min"/>, <paramref name="max"/>] (either bound may be
    /// omitted), as PyTorch's <c>clamp</c>: min(max(x, min), max), so all elements become max if min &gt; max.
    /// </summary>
    /// <exception cref="ArgumentException">Neither bound is given, or a bound is NaN.</exception>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null)
            throw new ArgumentException("Clamp: give at least one of min and max.", nameof(min));
        if (min is double minValue && double.IsNaN(minValue) || max is double maxValue && double.IsNaN(maxValue))
            throw new ArgumentException($"Clamp: bounds must not be NaN (min {min}, max {max}).", nameof(min));
        double lo = min ?? double.NegativeInfinity, hi = max ?? double.PositiveInfinity;
        var y = Elementwise.Map(this, new ClampOp(lo, hi));
        return Tape.Record("Clamp", y, [this], saved: [this], (g, grads) =>
            grads.AddInto(this, g, this, new ClampBackwardOp(lo, hi))); // dx += g where min ≤ x ≤ max
    }
}

/// <summary>tanh, lane by lane: a vector form through exp loses relative accuracy near 0.</summary>
internal readonly struct TanhOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(x, this);
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(x, this);
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(x, this);
}

/// <summary>(g, y = tanh x) ↦ g·(1 − y²).</summary>
internal readonly struct TanhBackwardOp : IBinaryOp
{
    public T Invoke<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => g * (T.One - y * y);
    public Vector128<T> Invoke<T>(Vector128<T> g, Vector128<T> y) where T : unmanaged, IFloatingPointIeee754<T> => g * (Vector128<T>.One - y * y);
    public Vector256<T> Invoke<T>(Vector256<T> g, Vector256<T> y) where T : unmanaged, IFloatingPointIeee754<T> => g * (Vector256<T>.One - y * y);
    public Vector512<T> Invoke<T>(Vector512<T> g, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T> => g * (Vector512<T>.One - y * y);
}

/// <summary>
/// σ(x) with e = e^−|x| (never overflows): 1/(1 + e) for x ≥ 0 and e/(1 + e) for x &lt; 0 — one division
/// either way, so both halves are correctly rounded from e, each accurate where the other form would not be.
/// </summary>
internal readonly struct SigmoidOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T e = T.Exp(-T.Abs(x));
        return (x >= T.Zero ? T.One : e) / (T.One + e);
    }

    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = VectorMath.Exp(-Vector128.Abs(x));
        return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<T>.Zero), e, Vector128<T>.One) / (Vector128<T>.One + e);
    }

    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = VectorMath.Exp(-Vector256.Abs(x));
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), e, Vector256<T>.One) / (Vector256<T>.One + e);
    }

    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = VectorMath.Exp(-Vector512.Abs(x));
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<T>.Zero), e, Vector512<T>.One) / (Vector512<T>.One + e);
    }
}

/// <summary>(g, y = σ(x)) ↦ g·y·(1 − y).</summary>
internal readonly struct SigmoidBackwardOp : IBinaryOp
{
    public T Invoke<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => g * y * (T.One - y);
    public Vector128<T> Invoke<T>(Vector128<T> g, Vector128<T> y) where T : unmanaged, IFloatingPointIeee754<T> => g * y * (Vector128<T>.One - y);
    public Vector256<T> Invoke<T>(Vector256<T> g, Vector256<T> y) where T : unmanaged, IFloatingPointIeee754<T> => g * y * (Vector256<T>.One - y);
    public Vector512<T> Invoke<T>(Vector512<T> g, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T> => g * y * (Vector512<T>.One - y);
}

/// <summary>max(x, 0); the IEEE maximum keeps NaN.</summary>
internal readonly struct ReluOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Max(x, T.Zero);
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector128.Max(x, Vector128<T>.Zero);
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector256.Max(x, Vector256<T>.Zero);
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector512.Max(x, Vector512<T>.Zero);
}

/// <summary>(g, y = relu x) ↦ g where y &gt; 0, else 0 (PyTorch's threshold_backward).</summary>
internal readonly struct ReluBackwardOp : IBinaryOp
{
    public T Invoke<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => y > T.Zero ? g : T.Zero;
    public Vector128<T> Invoke<T>(Vector128<T> g, Vector128<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Vector128.GreaterThan(y, Vector128<T>.Zero) & g;
    public Vector256<T> Invoke<T>(Vector256<T> g, Vector256<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Vector256.GreaterThan(y, Vector256<T>.Zero) & g;
    public Vector512<T> Invoke<T>(Vector512<T> g, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Vector512.GreaterThan(y, Vector512<T>.Zero) & g;
}

internal readonly struct LeakyReluOp(double slope) : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : x * T.CreateTruncating(slope);
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<T>.Zero), x, x * Vector128.Create(T.CreateTruncating(slope)));
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), x, x * Vector256.Create(T.CreateTruncating(slope)));
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, x * Vector512.Create(T.CreateTruncating(slope)));
}

/// <summary>(g, x) ↦ g for x &gt; 0, g·slope otherwise.</summary>
internal readonly struct LeakyReluBackwardOp(double slope) : IBinaryOp
{
    public T Invoke<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? g : g * T.CreateTruncating(slope);
    public Vector128<T> Invoke<T>(Vector128<T> g, Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<T>.Zero), g, g * Vector128.Create(T.CreateTruncating(slope)));
    public Vector256<T> Invoke<T>(Vector256<T> g, Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), g, g * Vector256.Create(T.CreateTruncating(slope)));
    public Vector512<T> Invoke<T>(Vector512<T> g, Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), g, g * Vector512.Create(T.CreateTruncating(slope)));
}

/// <summary>(max(βx, 0) + log1p(e^−|βx|)) / β, or x where βx &gt; threshold.</summary>
internal readonly struct SoftplusOp(double beta, double threshold) : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b = T.CreateTruncating(beta), bx = b * x;
        return bx > T.CreateTruncating(threshold) ? x : (T.Max(bx, T.Zero) + VectorMath.Log1p(T.Exp(-T.Abs(bx)))) / b;
    }

    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var b = Vector128.Create(T.CreateTruncating(beta));
        var bx = b * x;
        var soft = (Vector128.Max(bx, Vector128<T>.Zero) + VectorMath.Log1p(VectorMath.Exp(-Vector128.Abs(bx)))) / b;
        return Vector128.ConditionalSelect(Vector128.GreaterThan(bx, Vector128.Create(T.CreateTruncating(threshold))), x, soft);
    }

    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var b = Vector256.Create(T.CreateTruncating(beta));
        var bx = b * x;
        var soft = (Vector256.Max(bx, Vector256<T>.Zero) + VectorMath.Log1p(VectorMath.Exp(-Vector256.Abs(bx)))) / b;
        return Vector256.ConditionalSelect(Vector256.GreaterThan(bx, Vector256.Create(T.CreateTruncating(threshold))), x, soft);
    }

    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var b = Vector512.Create(T.CreateTruncating(beta));
        var bx = b * x;
        var soft = (Vector512.Max(bx, Vector512<T>.Zero) + VectorMath.Log1p(VectorMath.Exp(-Vector512.Abs(bx)))) / b;
        return Vector512.ConditionalSelect(Vector512.GreaterThan(bx, Vector512.Create(T.CreateTruncating(threshold))), x, soft);
    }
}

/// <summary>(g, x) ↦ g·σ(βx), or g where βx &gt; threshold.</summary>
internal readonly struct SoftplusBackwardOp(double beta, double threshold) : IBinaryOp
{
    public T Invoke<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T bx = T.CreateTruncating(beta) * x;
        return bx > T.CreateTruncating(threshold) ? g : g * new SigmoidOp().Invoke(bx);
    }

    public Vector128<T> Invoke<T>(Vector128<T> g, Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bx = Vector128.Create(T.CreateTruncating(beta)) * x;
        return Vector128.ConditionalSelect(Vector128.GreaterThan(bx, Vector128.Create(T.CreateTruncating(threshold))), g, g * new SigmoidOp().Invoke(bx));
    }

    public Vector256<T> Invoke<T>(Vector256<T> g, Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bx = Vector256.Create(T.CreateTruncating(beta)) * x;
        return Vector256.ConditionalSelect(Vector256.GreaterThan(bx, Vector256.Create(T.CreateTruncating(threshold))), g, g * new SigmoidOp().Invoke(bx));
    }

    public Vector512<T> Invoke<T>(Vector512<T> g, Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bx = Vector512.Create(T.CreateTruncating(beta)) * x;
        return Vector512.ConditionalSelect(Vector512.GreaterThan(bx, Vector512.Create(T.CreateTruncating(threshold))), g, g * new SigmoidOp().Invoke(bx));
    }
}

/// <summary>min(max(x, lo), hi); the IEEE maximum and minimum keep NaN.</summary>
internal readonly struct ClampOp(double lo, double hi) : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Min(T.Max(x, T.CreateTruncating(lo)), T.CreateTruncating(hi));
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector128.Min(Vector128.Max(x, Vector128.Create(T.CreateTruncating(lo))), Vector128.Create(T.CreateTruncating(hi)));
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector256.Min(Vector256.Max(x, Vector256.Create(T.CreateTruncating(lo))), Vector256.Create(T.CreateTruncating(hi)));
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.Min(Vector512.Max(x, Vector512.Create(T.CreateTruncating(lo))), Vector512.Create(T.CreateTruncating(hi)));
}

/// <summary>(g, x) ↦ g where lo ≤ x ≤ hi, else 0 (PyTorch's clamp_backward).</summary>
internal readonly struct ClampBackwardOp(double lo, double hi) : IBinaryOp
{
    public T Invoke<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        x >= T.CreateTruncating(lo) && x <= T.CreateTruncating(hi) ? g : T.Zero;
    public Vector128<T> Invoke<T>(Vector128<T> g, Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector128.GreaterThanOrEqual(x, Vector128.Create(T.CreateTruncating(lo))) & Vector128.LessThanOrEqual(x, Vector128.Create(T.CreateTruncating(hi))) & g;
    public Vector256<T> Invoke<T>(Vector256<T> g, Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector256.GreaterThanOrEqual(x, Vector256.Create(T.CreateTruncating(lo))) & Vector256.LessThanOrEqual(x, Vector256.Create(T.CreateTruncating(hi))) & g;
    public Vector512<T> Invoke<T>(Vector512<T> g, Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.GreaterThanOrEqual(x, Vector512.Create(T.CreateTruncating(lo))) & Vector512.LessThanOrEqual(x, Vector512.Create(T.CreateTruncating(hi))) & g;
}
