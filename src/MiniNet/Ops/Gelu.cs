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
        return Tape.Record("Gelu", y, [this], saved: [this], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, op.Input(0), new GeluBackwardOp(tanhApproximation: op.Argument0 != 0)), // dx += g·(Φ(x) + x·φ(x)), or the tanh form's derivative
            tanhApproximation ? 1 : 0);
    }
}
