using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// Sum, mean and max over one axis or over all elements, with PyTorch's keepdim option. Each backward
// spreads the output gradient back over the reduced axis (for max: onto the maxima).
public sealed partial class Tensor
{
    /// <summary>The sum of all elements, as a scalar (0 for an empty tensor).</summary>
    public Tensor Sum() => Reduce(ReduceKind.Sum, axis: null, keepDims: false);

    /// <summary>The sums along <paramref name="axis"/> (negative counts from the end); <paramref name="keepDims"/> keeps it as size 1.</summary>
    public Tensor Sum(int axis, bool keepDims = false) => Reduce(ReduceKind.Sum, axis, keepDims);

    /// <summary>The mean of all elements, as a scalar (NaN for an empty tensor, as PyTorch).</summary>
    public Tensor Mean() => Reduce(ReduceKind.Mean, axis: null, keepDims: false);

    /// <summary>The means along <paramref name="axis"/>; <paramref name="keepDims"/> keeps it as size 1.</summary>
    public Tensor Mean(int axis, bool keepDims = false) => Reduce(ReduceKind.Mean, axis, keepDims);

    /// <summary>The largest element, as a scalar (NaN if any element is NaN). Tied maxima share the gradient evenly.</summary>
    /// <exception cref="InvalidOperationException">The tensor is empty.</exception>
    public Tensor Max() => Reduce(ReduceKind.Max, axis: null, keepDims: false);

    /// <summary>The maxima along <paramref name="axis"/>; tied maxima share the gradient evenly (PyTorch's <c>amax</c>).</summary>
    /// <exception cref="InvalidOperationException">The axis has length 0.</exception>
    public Tensor Max(int axis, bool keepDims = false) => Reduce(ReduceKind.Max, axis, keepDims);

    /// <summary>
    /// The index of the largest element along <paramref name="axis"/> for every position of the other axes,
    /// in row-major order (for a [batch, classes] tensor: the predicted class of each row). Ties give the
    /// first index; a NaN counts as the largest. Not differentiable.
    /// </summary>
    /// <exception cref="InvalidOperationException">The axis has length 0.</exception>
    public int[] ArgMax(int axis = -1)
    {
        int resolved = Shape.NormalizeAxis(axis, Rank, nameof(ArgMax));
        var (outer, length, inner) = Shape.SplitAt(resolved);
        if (length == 0) throw new InvalidOperationException($"ArgMax: axis {axis} of {Shape} is empty.");
        var indices = new int[outer * inner];
        DTypeDispatch.Run(DType, new ArgMaxKernel(this, outer, length, inner, indices));
        return indices;
    }

    private enum ReduceKind { Sum, Mean, Max }

    private Tensor Reduce(ReduceKind kind, int? axis, bool keepDims)
    {
        string op = kind.ToString();
        // All elements: the tensor as one row. Along an axis: [outer, length, inner] around it.
        int resolved = axis is int a ? Shape.NormalizeAxis(a, Rank, op) : -1;
        var (outer, length, inner) = axis is null ? (1, ElementCount, 1) : Shape.SplitAt(resolved);
        if (kind == ReduceKind.Max && length == 0)
            throw new InvalidOperationException($"Max: cannot take the maximum over an empty {(axis is null ? "tensor" : $"axis {axis}")} of {Shape}.");
        // The gradient flows back through the result's shape with the reduced axes kept as size 1. The result's
        // own shape is checked first, so that a result too large to hold is named as the caller asked for it.
        Shape AllKept() => Shape.Checked(Enumerable.Repeat(1, Rank).ToArray(), op);
        Shape reducedShape = axis is null ? (keepDims ? AllKept() : []) : keepDims ? Shape.With(resolved, 1, op) : Shape.Without(resolved, op);
        Shape kept = keepDims ? reducedShape : axis is null ? AllKept() : Shape.With(resolved, 1, op);

        var y = Empty(reducedShape, DType);
        DTypeDispatch.Run(DType, new ReduceKernel(kind, this, outer, length, inner, y));

        return Tape.Record(op, y, [this], saved: kind == ReduceKind.Max ? [this, y] : [], (g, grads) =>
        {
            if (!grads.Needs(this)) return;
            var gKept = g.ReshapeTo(kept);
            switch (kind)
            {
                case ReduceKind.Sum: grads.AddBroadcast(this, gKept); break;            // dx += g along the axis
                case ReduceKind.Mean: grads.AddBroadcast(this, gKept / length); break;  // dx += g / n
                default:                                                          // dx += g / ties at the maxima
                    var buffer = grads.Buffer(this);
                    DTypeDispatch.Run(DType, new MaxBackwardKernel(this, y, g, outer, length, inner, buffer));
                    break;
            }
        });
    }

    /// <summary>y = the reduction of x along the middle of [outer, length, inner].</summary>
    private readonly struct ReduceKernel(ReduceKind kind, Tensor x, int outer, int length, int inner, Tensor y) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (kind == ReduceKind.Max)
            {
                AxisReduction.Max(x.Span<T>(), outer, length, inner, y.Span<T>());
                return;
            }
            AxisReduction.Sum(x.Span<T>(), outer, length, inner, y.Span<T>());
            if (kind == ReduceKind.Mean) Simd.Zip(y.Span<T>(), length, y.Span<T>(), new DivideOp());
        }
    }

    private readonly struct MaxBackwardKernel(Tensor x, Tensor max, Tensor g, int outer, int length, int inner, Tensor dx) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            AxisReduction.MaxBackward(x.Span<T>(), max.Span<T>(), g.Span<T>(), outer, length, inner, dx.Span<T>());
    }

    private readonly struct ArgMaxKernel(Tensor x, int outer, int length, int inner, int[] indices) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            AxisReduction.ArgMax(x.Span<T>(), outer, length, inner, indices);
    }
}
