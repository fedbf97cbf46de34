using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// Choosing elements by a mask, as PyTorch's where and masked_fill. A mask element is true where it is not zero (a
// 0/1 mask from Eq … Le reads as expected; NaN counts as true, as its bool conversion does in PyTorch). The mask must
// share the data's dtype, as every MiniNet operand must; it is never differentiated.
public sealed partial class Tensor
{
    /// <summary>
    /// <paramref name="whenTrue"/> where <paramref name="condition"/> is nonzero, else <paramref name="whenFalse"/>, all three
    /// broadcast together, as <c>torch.where</c>. Differentiable in both choices: each receives the output gradient where it
    /// was chosen and 0 elsewhere (summed back to its shape where it was broadcast), as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the dtypes differ.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static Tensor Where(Tensor condition, Tensor whenTrue, Tensor whenFalse)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(whenTrue);
        ArgumentNullException.ThrowIfNull(whenFalse);
        Elementwise.CheckSameDType("Where", condition, whenTrue);
        Elementwise.CheckSameDType("Where", whenTrue, whenFalse);
        var y = Empty(Shape.Broadcast(Shape.Broadcast(condition.Shape, whenTrue.Shape, "Where"), whenFalse.Shape, "Where"), whenTrue.DType);
        DTypeDispatch.Run(y.DType, new WhereKernel(condition, whenTrue, whenFalse, y));
        return Tape.Record("Where", y, [whenTrue, whenFalse], saved: [condition], (g, grads) =>
        {
            if (grads.Needs(whenTrue)) grads.Accumulate(whenTrue, Elementwise.Broadcast("Where", condition, g, new KeepWhereOp()));       // d/da = 1 where chosen
            if (grads.Needs(whenFalse)) grads.Accumulate(whenFalse, Elementwise.Broadcast("Where", condition, g, new FillWhereOp(0))); // d/db = 1 elsewhere
        });
    }

    /// <summary>
    /// This tensor with <paramref name="value"/> (rounded to its dtype) wherever <paramref name="mask"/> is nonzero, as
    /// <c>torch.masked_fill</c>; the mask broadcasts with this tensor. Differentiable in this tensor: its gradient is 0
    /// where the value was filled in.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the dtypes differ.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var y = Elementwise.Broadcast("MaskedFill", mask, this, new FillWhereOp(value));
        return Tape.Record("MaskedFill", y, [this], saved: [mask], (g, grads) =>
            grads.Accumulate(this, Elementwise.Broadcast("MaskedFill", mask, g, new FillWhereOp(0)))); // dx += g where kept, 0 where filled
    }

    /// <summary>y = select(condition, whenTrue, whenFalse), every operand broadcast to y's shape.</summary>
    private readonly struct WhereKernel(Tensor condition, Tensor whenTrue, Tensor whenFalse, Tensor y) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Broadcasting.Ternary(condition.Span<T>(), condition.Shape, whenTrue.Span<T>(), whenTrue.Shape, whenFalse.Span<T>(), whenFalse.Shape,
                y.Span<T>(), y.Shape, new SelectOp());
    }
}
