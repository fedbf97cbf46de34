using System.Numerics;
using System.Runtime.Intrinsics;
using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// Elementary functions. Forward, then the backward rule with the values it saves, then the kernels.
public sealed partial class Tensor
{
    /// <summary>eˣ elementwise.</summary>
    public Tensor Exp()
    {
        var y = Elementwise.Map(this, new ExpOp());
        return Tape.Record("Exp", y, [this], saved: [y], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Output, new MultiplyOp())); // dx += g·eˣ = g·y
    }

    /// <summary>The natural logarithm elementwise (−∞ at 0, NaN below, as in PyTorch).</summary>
    public Tensor Log()
    {
        var y = Elementwise.Map(this, new LogOp());
        return Tape.Record("Log", y, [this], saved: [this], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Input(0), new DivideOp())); // dx += g / x
    }

    /// <summary>√x elementwise.</summary>
    public Tensor Sqrt()
    {
        var y = Elementwise.Map(this, new SqrtOp());
        return Tape.Record("Sqrt", y, [this], saved: [y], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Output, new SqrtBackwardOp())); // dx += g / (2√x)
    }

    /// <summary>|x| elementwise.</summary>
    public Tensor Abs()
    {
        var y = Elementwise.Map(this, new AbsOp());
        return Tape.Record("Abs", y, [this], saved: [this], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Input(0), new AbsBackwardOp())); // dx += g·sign(x), 0 at x = 0 (as PyTorch)
    }

    /// <summary>x raised to a constant power elementwise.</summary>
    public Tensor Pow(double exponent)
    {
        var y = exponent == 2 ? Elementwise.Map(this, new SquareOp()) : Elementwise.Map(this, new PowScalarOp(exponent));
        return Tape.Record("Pow", y, [this], saved: [this], (g, grads) =>
        {
            if (!grads.Needs(this)) return;
            if (exponent == 0) grads.Buffer(this); // x⁰ = 1 is constant, even at x = 0: dx += 0 (a zero gradient, not none)
            else grads.Accumulate(this, g * Pow(exponent - 1) * exponent); // dx += g·p·x^(p−1)
        });
    }

    /// <summary>aᵇ elementwise with broadcasting; both base and exponent are differentiable.</summary>
    public static Tensor Pow(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var y = Elementwise.Broadcast("Pow", a, b, new PowOp());
        return Tape.Record("Pow", y, [a, b], saved: [a, b, y], (g, grads) =>
        {
            if (grads.Needs(a)) // ∂aᵇ/∂a = b·a^(b−1), and 0 where b = 0 (not 0·∞ at a = 0)
                grads.Accumulate(a, g * Elementwise.Broadcast("Pow", a, b, new PowBaseGradOp()));
            if (grads.Needs(b)) // ∂aᵇ/∂b = aᵇ·ln a, and 0 where a = 0 and b ≥ 0 (the limit, not 0·(−∞))
                grads.Accumulate(b, g * Elementwise.Broadcast("Pow", y, a, new PowExponentGradOp()));
        });
    }

    /// <summary>A constant <paramref name="base"/> raised to x elementwise.</summary>
    public static Tensor Pow(double @base, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Pow(Scalar(@base, x.DType), x);
    }
}
