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
        return Tape.Record("Tanh", y, [this], saved: [y], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Output, new TanhBackwardOp())); // dx += g·(1 − y²)
    }

    /// <summary>The logistic sigmoid σ(x) = 1 / (1 + e^−x) elementwise.</summary>
    public Tensor Sigmoid()
    {
        var y = Elementwise.Map(this, new SigmoidOp());
        return Tape.Record("Sigmoid", y, [this], saved: [y], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Output, new SigmoidBackwardOp())); // dx += g·y·(1 − y)
    }

    /// <summary>max(x, 0) elementwise.</summary>
    public Tensor Relu()
    {
        var y = Elementwise.Map(this, new ReluOp());
        return Tape.Record("Relu", y, [this], saved: [y], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Output, new ReluBackwardOp())); // dx += g where y > 0
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
        return Tape.Record("LeakyRelu", y, [this], saved: [this], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Input(0), new LeakyReluBackwardOp(op.Argument0)), negativeSlope); // dx += g·(x > 0 ? 1 : slope)
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
        return Tape.Record("Softplus", y, [this], saved: [this], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Input(0), new SoftplusBackwardOp(op.Argument0, op.Argument1)), beta, threshold); // dx += g·σ(βx), or g above the threshold
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
        return Tape.Record("Clamp", y, [this], saved: [this], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Input(0), new ClampBackwardOp(op.Argument0, op.Argument1)), lo, hi); // dx += g where min ≤ x ≤ max
    }
}
