using System.Numerics;
using System.Runtime.Intrinsics;
using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// GELU, x·Φ(x) with Φ the standard normal CDF, or PyTorch's tanh approximation of it.
public sealed partial class Tensor
{
    /// <summary>
    /// The Gaussian error linear unit x·Φ(x) = ½x(1 + erf(x/√2)) elementwise (PyTorch's <c>gelu</c>), or with
    /// <paramref name="tanhApproximation"/> ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (<c>approximate='tanh'</c>).
    /// </summary>
    public Tensor Gelu(bool tanhApproximation = false)
    {
        var y = Elementwise.Map(this, new GeluOp(tanhApproximation));
        return Tape.Record("Gelu", y, [this], saved: [this], (g, grads) =>
            grads.AddInto(this, g, this, new GeluBackwardOp(tanhApproximation))); // dx += g·(Φ(x) + x·φ(x)), or the tanh form's derivative
    }
}

/// <summary>The GELU, computed in double (erf has no vector form here), lane by lane.</summary>
internal readonly struct GeluOp(bool tanhApproximation) : IUnaryOp
{
    internal const double SqrtTwoOverPi = 0.7978845608028654; // √(2/π)
    internal const double Cubic = 0.044715;

    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double v = double.CreateTruncating(x);
        // ½(1 + tanh u) = σ(2u): the sigmoid form keeps its digits where tanh u is near −1.
        double y = tanhApproximation ? v * Logistic(2 * Inner(v)) : v * SpecialFunctions.NormalCdf(v);
        return T.CreateTruncating(y);
    }

    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(x, this);
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(x, this);
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(x, this);

    /// <summary>u = √(2/π)·(x + 0.044715·x³), the tanh form's argument.</summary>
    internal static double Inner(double x) => SqrtTwoOverPi * (x + Cubic * x * x * x);

    /// <summary>σ(z) = 1 / (1 + e^−z); never overflows into NaN.</summary>
    internal static double Logistic(double z) => 1 / (1 + Math.Exp(-z));
}

/// <summary>(g, x) ↦ g·GELU′(x): Φ(x) + x·φ(x) exactly, or the derivative of the tanh form.</summary>
internal readonly struct GeluBackwardOp(bool tanhApproximation) : IBinaryOp
{
    private const double OneOverSqrtTwoPi = 0.3989422804014327; // 1/√(2π)

    public T Invoke<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double v = double.CreateTruncating(x), slope;
        if (tanhApproximation)
        {
            // With s = σ(2u): ½(1 + tanh u) = s and ½(1 − tanh² u) = 2·s·σ(−2u).
            double u = GeluOp.Inner(v), s = GeluOp.Logistic(2 * u), sMinus = GeluOp.Logistic(-2 * u);
            slope = s + 2 * v * s * sMinus * GeluOp.SqrtTwoOverPi * (1 + 3 * GeluOp.Cubic * v * v);
        }
        else
        {
            slope = SpecialFunctions.NormalCdf(v) + v * OneOverSqrtTwoPi * Math.Exp(-0.5 * v * v);
        }
        return g * T.CreateTruncating(slope);
    }

    public Vector128<T> Invoke<T>(Vector128<T> g, Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(g, x, this);
    public Vector256<T> Invoke<T>(Vector256<T> g, Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(g, x, this);
    public Vector512<T> Invoke<T>(Vector512<T> g, Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.PerLane(g, x, this);
}
