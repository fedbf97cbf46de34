using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// The optimisers' element updates, one struct each, run by Simd.Update in a single pass over the parameter,
// its gradient and its state. Each repeats PyTorch's single-tensor algorithm (torch/optim/*.py) operation
// for operation, in the same order. Only +, −, ×, ÷ and √ are used, never a fused multiply-add, as PyTorch's
// CPU kernels compute them. Hyper-parameters are kept as double and rounded to the element type where used,
// as PyTorch rounds a Python float to a float32 tensor's type. The updates are too long for the JIT to inline
// on its own; without AggressiveInlining every vector would pay a call and spill its lanes to the stack.

/// <summary>
/// SGD (torch.optim.SGD): d = ±g + wd·θ; with momentum b = d on the first step, else μ·b + (1 − τ)·d, and
/// d = d + μ·b (Nesterov) or b; then θ = θ − lr·d. State 0 is the momentum buffer.
/// </summary>
internal readonly struct SgdUpdateOp(double lr, double weightDecay, double momentum, double dampening, bool nesterov, bool maximize, bool firstStep) : IUpdateOp
{
    private readonly Constant _lr = new(-lr), _weightDecay = new(weightDecay), _momentum = new(momentum), _dampening = new(1 - dampening);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T, TV, L>(ref TV parameter, TV gradient, ref TV buffer, ref TV unused1, ref TV unused2)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var d = maximize ? L.Negate(gradient) : gradient;
        if (weightDecay != 0) d = L.Add(d, L.Multiply(L.Broadcast(_weightDecay.Get<T>()), parameter));
        if (momentum != 0)
        {
            buffer = firstStep ? d : L.Add(L.Multiply(buffer, L.Broadcast(_momentum.Get<T>())), L.Multiply(L.Broadcast(_dampening.Get<T>()), d));
            d = nesterov ? L.Add(d, L.Multiply(L.Broadcast(_momentum.Get<T>()), buffer)) : buffer;
        }
        parameter = L.Add(parameter, L.Multiply(L.Broadcast(_lr.Get<T>()), d));
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
    private readonly Constant _beta1 = new(beta1), _oneMinusBeta1 = new(1 - beta1), _beta2 = new(beta2), _oneMinusBeta2 = new(1 - beta2),
        _eps = new(eps), _l2Penalty = new(l2Penalty), _decayFactor = new(decayFactor), _step = new(negativeStepSize),
        _biasCorrection2Sqrt = new(biasCorrection2Sqrt);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T, TV, L>(ref TV parameter, TV gradient, ref TV m, ref TV v, ref TV vMax)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var d = maximize ? L.Negate(gradient) : gradient;
        if (l2Penalty != 0) d = L.Add(d, L.Multiply(L.Broadcast(_l2Penalty.Get<T>()), parameter));
        if (decayFactor != 1) parameter = L.Multiply(parameter, L.Broadcast(_decayFactor.Get<T>()));
        m = L.Add(L.Multiply(m, L.Broadcast(_beta1.Get<T>())), L.Multiply(L.Broadcast(_oneMinusBeta1.Get<T>()), d));
        v = L.Add(L.Multiply(v, L.Broadcast(_beta2.Get<T>())), L.Multiply(L.Multiply(L.Broadcast(_oneMinusBeta2.Get<T>()), d), d));
        var second = amsgrad ? vMax = L.Max(vMax, v) : v;
        var denominator = L.Add(L.Divide(L.Sqrt(second), L.Broadcast(_biasCorrection2Sqrt.Get<T>())), L.Broadcast(_eps.Get<T>()));
        parameter = L.Add(parameter, L.Divide(L.Multiply(L.Broadcast(_step.Get<T>()), m), denominator));
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
    private readonly Constant _lr = new(-lr), _alpha = new(alpha), _oneMinusAlpha = new(1 - alpha), _eps = new(eps),
        _weightDecay = new(weightDecay), _momentum = new(momentum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<T, TV, L>(ref TV parameter, TV gradient, ref TV squareAvg, ref TV buffer, ref TV gradAvg)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        var d = maximize ? L.Negate(gradient) : gradient;
        if (weightDecay != 0) d = L.Add(d, L.Multiply(L.Broadcast(_weightDecay.Get<T>()), parameter));
        var alphaV = L.Broadcast(_alpha.Get<T>());
        var complement = L.Broadcast(_oneMinusAlpha.Get<T>());
        squareAvg = L.Add(L.Multiply(squareAvg, alphaV), L.Multiply(L.Multiply(complement, d), d));
        TV root;
        if (centered)
        {
            gradAvg = L.Add(L.Multiply(gradAvg, alphaV), L.Multiply(complement, d));
            root = L.Sqrt(L.Max(L.Subtract(squareAvg, L.Multiply(gradAvg, gradAvg)), L.Zero));
        }
        else root = L.Sqrt(squareAvg);
        root = L.Add(root, L.Broadcast(_eps.Get<T>()));
        var lrV = L.Broadcast(_lr.Get<T>());
        if (momentum != 0)
        {
            buffer = L.Add(L.Multiply(buffer, L.Broadcast(_momentum.Get<T>())), L.Divide(d, root));
            parameter = L.Add(parameter, L.Multiply(lrV, buffer));
        }
        else parameter = L.Add(parameter, L.Divide(L.Multiply(lrV, d), root));
    }
}
