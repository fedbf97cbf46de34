using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MiniNet.Kernels;

namespace MiniNet.Optim;

// The optimisers' element updates, one struct each, run by Simd.Update in a single pass over the parameter,
// its gradient and its state. Each repeats PyTorch's single-tensor algorithm (torch/optim/*.py) operation
// for operation, in the same order, at every vector width. Only +, −, ×, ÷ and √ are used, never a fused
// multiply-add, so every width rounds identically: the result does not depend on the CPU.
// Hyper-parameters are kept as double and rounded to the element type where used, as PyTorch rounds a
// Python float to a float32 tensor's type. The updates are too long for the JIT to inline on its own;
// without AggressiveInlining every vector would pay a call and spill its lanes to the stack.

/// <summary>
/// SGD (torch.optim.SGD): d = ±g + wd·θ; with momentum b = d on the first step, else μ·b + (1 − τ)·d, and
/// d = d + μ·b (Nesterov) or b; then θ = θ − lr·d. State 0 is the momentum buffer.
/// </summary>
internal readonly struct SgdUpdateOp(double lr, double weightDecay, double momentum, double dampening, bool nesterov, bool maximize, bool firstStep) : IUpdateOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref T parameter, T gradient, ref T buffer, ref T unused1, ref T unused2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T d = maximize ? -gradient : gradient;
        if (weightDecay != 0) d += T.CreateTruncating(weightDecay) * parameter;
        if (momentum != 0)
        {
            buffer = firstStep ? d : buffer * T.CreateTruncating(momentum) + T.CreateTruncating(1 - dampening) * d;
            d = nesterov ? d + T.CreateTruncating(momentum) * buffer : buffer;
        }
        parameter += T.CreateTruncating(-lr) * d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref Vector128<T> parameter, Vector128<T> gradient, ref Vector128<T> buffer, ref Vector128<T> unused1, ref Vector128<T> unused2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = maximize ? -gradient : gradient;
        if (weightDecay != 0) d += Lanes.V128<T>(weightDecay) * parameter;
        if (momentum != 0)
        {
            buffer = firstStep ? d : buffer * Lanes.V128<T>(momentum) + Lanes.V128<T>(1 - dampening) * d;
            d = nesterov ? d + Lanes.V128<T>(momentum) * buffer : buffer;
        }
        parameter += Lanes.V128<T>(-lr) * d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref Vector256<T> parameter, Vector256<T> gradient, ref Vector256<T> buffer, ref Vector256<T> unused1, ref Vector256<T> unused2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = maximize ? -gradient : gradient;
        if (weightDecay != 0) d += Lanes.V256<T>(weightDecay) * parameter;
        if (momentum != 0)
        {
            buffer = firstStep ? d : buffer * Lanes.V256<T>(momentum) + Lanes.V256<T>(1 - dampening) * d;
            d = nesterov ? d + Lanes.V256<T>(momentum) * buffer : buffer;
        }
        parameter += Lanes.V256<T>(-lr) * d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref Vector512<T> parameter, Vector512<T> gradient, ref Vector512<T> buffer, ref Vector512<T> unused1, ref Vector512<T> unused2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = maximize ? -gradient : gradient;
        if (weightDecay != 0) d += Lanes.V512<T>(weightDecay) * parameter;
        if (momentum != 0)
        {
            buffer = firstStep ? d : buffer * Lanes.V512<T>(momentum) + Lanes.V512<T>(1 - dampening) * d;
            d = nesterov ? d + Lanes.V512<T>(momentum) * buffer : buffer;
        }
        parameter += Lanes.V512<T>(-lr) * d;
    }
}

/// <summary>
/// Adam and AdamW (torch.optim.Adam, AdamW): d = ±g (+ wd·θ for Adam's L2 penalty); θ = θ·(1 − lr·wd) for
/// AdamW's decoupled decay; m = β₁·m + (1 − β₁)·d; v = β₂·v + (1 − β₂)·d²; v̂ = max(v̂, v) with AMSGrad;
/// θ = θ − (lr / bc₁)·m / (√v / √bc₂ + eps). States 0, 1, 2 are m, v and v̂ (exp_avg, exp_avg_sq, max_exp_avg_sq).
/// </summary>
internal readonly struct AdamUpdateOp(
    double beta1, double beta2, double eps, double l2Penalty, double decayFactor,
    double negativeStepSize, double biasCorrection2Sqrt, bool amsgrad, bool maximize) : IUpdateOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref T parameter, T gradient, ref T m, ref T v, ref T vMax) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T d = maximize ? -gradient : gradient;
        if (l2Penalty != 0) d += T.CreateTruncating(l2Penalty) * parameter;
        if (decayFactor != 1) parameter *= T.CreateTruncating(decayFactor);
        m = m * T.CreateTruncating(beta1) + T.CreateTruncating(1 - beta1) * d;
        v = v * T.CreateTruncating(beta2) + T.CreateTruncating(1 - beta2) * d * d;
        T second = amsgrad ? vMax = T.Max(vMax, v) : v;
        T denominator = T.Sqrt(second) / T.CreateTruncating(biasCorrection2Sqrt) + T.CreateTruncating(eps);
        parameter += T.CreateTruncating(negativeStepSize) * m / denominator;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref Vector128<T> parameter, Vector128<T> gradient, ref Vector128<T> m, ref Vector128<T> v, ref Vector128<T> vMax) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = maximize ? -gradient : gradient;
        if (l2Penalty != 0) d += Lanes.V128<T>(l2Penalty) * parameter;
        if (decayFactor != 1) parameter *= Lanes.V128<T>(decayFactor);
        m = m * Lanes.V128<T>(beta1) + Lanes.V128<T>(1 - beta1) * d;
        v = v * Lanes.V128<T>(beta2) + Lanes.V128<T>(1 - beta2) * d * d;
        var second = amsgrad ? vMax = Vector128.Max(vMax, v) : v;
        var denominator = Vector128.Sqrt(second) / Lanes.V128<T>(biasCorrection2Sqrt) + Lanes.V128<T>(eps);
        parameter += Lanes.V128<T>(negativeStepSize) * m / denominator;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref Vector256<T> parameter, Vector256<T> gradient, ref Vector256<T> m, ref Vector256<T> v, ref Vector256<T> vMax) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = maximize ? -gradient : gradient;
        if (l2Penalty != 0) d += Lanes.V256<T>(l2Penalty) * parameter;
        if (decayFactor != 1) parameter *= Lanes.V256<T>(decayFactor);
        m = m * Lanes.V256<T>(beta1) + Lanes.V256<T>(1 - beta1) * d;
        v = v * Lanes.V256<T>(beta2) + Lanes.V256<T>(1 - beta2) * d * d;
        var second = amsgrad ? vMax = Vector256.Max(vMax, v) : v;
        var denominator = Vector256.Sqrt(second) / Lanes.V256<T>(biasCorrection2Sqrt) + Lanes.V256<T>(eps);
        parameter += Lanes.V256<T>(negativeStepSize) * m / denominator;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref Vector512<T> parameter, Vector512<T> gradient, ref Vector512<T> m, ref Vector512<T> v, ref Vector512<T> vMax) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = maximize ? -gradient : gradient;
        if (l2Penalty != 0) d += Lanes.V512<T>(l2Penalty) * parameter;
        if (decayFactor != 1) parameter *= Lanes.V512<T>(decayFactor);
        m = m * Lanes.V512<T>(beta1) + Lanes.V512<T>(1 - beta1) * d;
        v = v * Lanes.V512<T>(beta2) + Lanes.V512<T>(1 - beta2) * d * d;
        var second = amsgrad ? vMax = Vector512.Max(vMax, v) : v;
        var denominator = Vector512.Sqrt(second) / Lanes.V512<T>(biasCorrection2Sqrt) + Lanes.V512<T>(eps);
        parameter += Lanes.V512<T>(negativeStepSize) * m / denominator;
    }
}

/// <summary>
/// RMSprop (torch.optim.RMSprop): d = ±g + wd·θ; s = α·s + (1 − α)·d²; centred: a = α·a + (1 − α)·d and
/// r = √(s − a²), else r = √s; r = r + eps; with momentum b = μ·b + d / r and θ = θ − lr·b, else
/// θ = θ − lr·d / r. States 0, 1, 2 are s, b and a (square_avg, momentum_buffer, grad_avg).
/// </summary>
/// <remarks>
/// One deliberate difference from PyTorch: the centred variance s − a² is clamped at 0 before the root.
/// It is never negative in exact arithmetic, but rounding can make it −1 ulp once a gradient has been
/// constant for thousands of steps; PyTorch then takes √ of a negative number and the parameter becomes NaN.
/// </remarks>
internal readonly struct RmsPropUpdateOp(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize) : IUpdateOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref T parameter, T gradient, ref T squareAvg, ref T buffer, ref T gradAvg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T d = maximize ? -gradient : gradient;
        if (weightDecay != 0) d += T.CreateTruncating(weightDecay) * parameter;
        squareAvg = squareAvg * T.CreateTruncating(alpha) + T.CreateTruncating(1 - alpha) * d * d;
        T root;
        if (centered)
        {
            gradAvg = gradAvg * T.CreateTruncating(alpha) + T.CreateTruncating(1 - alpha) * d;
            root = T.Sqrt(T.Max(squareAvg - gradAvg * gradAvg, T.Zero));
        }
        else root = T.Sqrt(squareAvg);
        root += T.CreateTruncating(eps);
        if (momentum != 0)
        {
            buffer = buffer * T.CreateTruncating(momentum) + d / root;
            parameter += T.CreateTruncating(-lr) * buffer;
        }
        else parameter += T.CreateTruncating(-lr) * d / root;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref Vector128<T> parameter, Vector128<T> gradient, ref Vector128<T> squareAvg, ref Vector128<T> buffer, ref Vector128<T> gradAvg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = maximize ? -gradient : gradient;
        if (weightDecay != 0) d += Lanes.V128<T>(weightDecay) * parameter;
        squareAvg = squareAvg * Lanes.V128<T>(alpha) + Lanes.V128<T>(1 - alpha) * d * d;
        Vector128<T> root;
        if (centered)
        {
            gradAvg = gradAvg * Lanes.V128<T>(alpha) + Lanes.V128<T>(1 - alpha) * d;
            root = Vector128.Sqrt(Vector128.Max(squareAvg - gradAvg * gradAvg, Vector128<T>.Zero));
        }
        else root = Vector128.Sqrt(squareAvg);
        root += Lanes.V128<T>(eps);
        if (momentum != 0)
        {
            buffer = buffer * Lanes.V128<T>(momentum) + d / root;
            parameter += Lanes.V128<T>(-lr) * buffer;
        }
        else parameter += Lanes.V128<T>(-lr) * d / root;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref Vector256<T> parameter, Vector256<T> gradient, ref Vector256<T> squareAvg, ref Vector256<T> buffer, ref Vector256<T> gradAvg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = maximize ? -gradient : gradient;
        if (weightDecay != 0) d += Lanes.V256<T>(weightDecay) * parameter;
        squareAvg = squareAvg * Lanes.V256<T>(alpha) + Lanes.V256<T>(1 - alpha) * d * d;
        Vector256<T> root;
        if (centered)
        {
            gradAvg = gradAvg * Lanes.V256<T>(alpha) + Lanes.V256<T>(1 - alpha) * d;
            root = Vector256.Sqrt(Vector256.Max(squareAvg - gradAvg * gradAvg, Vector256<T>.Zero));
        }
        else root = Vector256.Sqrt(squareAvg);
        root += Lanes.V256<T>(eps);
        if (momentum != 0)
        {
            buffer = buffer * Lanes.V256<T>(momentum) + d / root;
            parameter += Lanes.V256<T>(-lr) * buffer;
        }
        else parameter += Lanes.V256<T>(-lr) * d / root;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T>(ref Vector512<T> parameter, Vector512<T> gradient, ref Vector512<T> squareAvg, ref Vector512<T> buffer, ref Vector512<T> gradAvg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = maximize ? -gradient : gradient;
        if (weightDecay != 0) d += Lanes.V512<T>(weightDecay) * parameter;
        squareAvg = squareAvg * Lanes.V512<T>(alpha) + Lanes.V512<T>(1 - alpha) * d * d;
        Vector512<T> root;
        if (centered)
        {
            gradAvg = gradAvg * Lanes.V512<T>(alpha) + Lanes.V512<T>(1 - alpha) * d;
            root = Vector512.Sqrt(Vector512.Max(squareAvg - gradAvg * gradAvg, Vector512<T>.Zero));
        }
        else root = Vector512.Sqrt(squareAvg);
        root += Lanes.V512<T>(eps);
        if (momentum != 0)
        {
            buffer = buffer * Lanes.V512<T>(momentum) + d / root;
            parameter += Lanes.V512<T>(-lr) * buffer;
        }
        else parameter += Lanes.V512<T>(-lr) * d / root;
    }
}

/// <summary>A hyper-parameter rounded to the element type and copied to every lane.</summary>
file static class Lanes
{
    public static Vector128<T> V128<T>(double value) where T : unmanaged, IFloatingPointIeee754<T> => Vector128.Create(T.CreateTruncating(value));
    public static Vector256<T> V256<T>(double value) where T : unmanaged, IFloatingPointIeee754<T> => Vector256.Create(T.CreateTruncating(value));
    public static Vector512<T> V512<T>(double value) where T : unmanaged, IFloatingPointIeee754<T> => Vector512.Create(T.CreateTruncating(value));
}
