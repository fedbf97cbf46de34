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
        return Tape.Record("Exp", y, [this], saved: [y], (g, grads) =>
            grads.AddInto(this, g, y, new MultiplyOp())); // dx += g·eˣ = g·y
    }

    /// <summary>The natural logarithm elementwise (−∞ at 0, NaN below, as in PyTorch).</summary>
    public Tensor Log()
    {
        var y = Elementwise.Map(this, new LogOp());
        return Tape.Record("Log", y, [this], saved: [this], (g, grads) =>
            grads.AddInto(this, g, this, new DivideOp())); // dx += g / x
    }

    /// <summary>√x elementwise.</summary>
    public Tensor Sqrt()
    {
        var y = Elementwise.Map(this, new SqrtOp());
        return Tape.Record("Sqrt", y, [this], saved: [y], (g, grads) =>
            grads.AddInto(this, g, y, new SqrtBackwardOp())); // dx += g / (2√x)
    }

    /// <summary>|x| elementwise.</summary>
    public Tensor Abs()
    {
        var y = Elementwise.Map(this, new AbsOp());
        return Tape.Record("Abs", y, [this], saved: [this], (g, grads) =>
            grads.AddInto(this, g, this, new AbsBackwardOp())); // dx += g·sign(x), 0 at x = 0 (as PyTorch)
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

internal readonly struct ExpOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Exp(x);
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Exp(x);
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Exp(x);
}

internal readonly struct LogOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Log(x);
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Log(x);
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Log(x);
}

internal readonly struct SqrtOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x);
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector128.Sqrt(x);
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector256.Sqrt(x);
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector512.Sqrt(x);
}

/// <summary>(g, y = √x) ↦ g / (2y).</summary>
internal readonly struct SqrtBackwardOp : IBinaryOp
{
    public T Invoke<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => g / (y + y);
    public Vector128<T> Invoke<T>(Vector128<T> g, Vector128<T> y) where T : unmanaged, IFloatingPointIeee754<T> => g / (y + y);
    public Vector256<T> Invoke<T>(Vector256<T> g, Vector256<T> y) where T : unmanaged, IFloatingPointIeee754<T> => g / (y + y);
    public Vector512<T> Invoke<T>(Vector512<T> g, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T> => g / (y + y);
}

internal readonly struct AbsOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x);
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector128.Abs(x);
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector256.Abs(x);
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector512.Abs(x);
}

/// <summary>(g, x) ↦ g·sign(x), with sign(0) = 0 and NaN passed through.</summary>
internal readonly struct AbsBackwardOp : IBinaryOp
{
    public T Invoke<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        x > T.Zero ? g : x < T.Zero ? -g : g * x;

    public Vector128<T> Invoke<T>(Vector128<T> g, Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<T>.Zero), g,
            Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<T>.Zero), -g, g * x));

    public Vector256<T> Invoke<T>(Vector256<T> g, Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), g,
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), -g, g * x));

    public Vector512<T> Invoke<T>(Vector512<T> g, Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), g,
            Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<T>.Zero), -g, g * x));
}

internal readonly struct SquareOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x * x;
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => x * x;
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => x * x;
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => x * x;
}

/// <summary>x ↦ x^p for a constant p (no vector pow exists: lane by lane).</summary>
internal readonly struct PowScalarOp(double exponent) : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Pow(x, T.CreateTruncating(exponent));
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(x, this);
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(x, this);
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(x, this);
}

/// <summary>(a, b) ↦ aᵇ (lane by lane).</summary>
internal readonly struct PowOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Pow(a, b);
    public Vector128<T> Invoke<T>(Vector128<T> a, Vector128<T> b) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(a, b, this);
    public Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(a, b, this);
    public Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(a, b, this);
}

/// <summary>(a, b) ↦ b·a^(b−1), 0 where b = 0.</summary>
internal readonly struct PowBaseGradOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => b == T.Zero ? T.Zero : b * T.Pow(a, b - T.One);
    public Vector128<T> Invoke<T>(Vector128<T> a, Vector128<T> b) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(a, b, this);
    public Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(a, b, this);
    public Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(a, b, this);
}

/// <summary>(y = aᵇ, a) ↦ y·ln a, 0 where a = 0 and y is finite (that is, b ≥ 0).</summary>
internal readonly struct PowExponentGradOp : IBinaryOp
{
    public T Invoke<T>(T y, T a) where T : unmanaged, IFloatingPointIeee754<T> => a == T.Zero && T.IsFinite(y) ? T.Zero : y * T.Log(a);
    public Vector128<T> Invoke<T>(Vector128<T> y, Vector128<T> a) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(y, a, this);
    public Vector256<T> Invoke<T>(Vector256<T> y, Vector256<T> a) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(y, a, this);
    public Vector512<T> Invoke<T>(Vector512<T> y, Vector512<T> a) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(y, a, this);
}
