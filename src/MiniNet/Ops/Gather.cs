using System.Numerics;

namespace MiniNet;

// torch.gather: picks, along one axis, the elements an index tensor names. Forward reads through a table of source
// offsets worked out once from the index; backward adds the output gradient back through the same table
// (a scatter-add), so an element picked twice collects both gradients.
public sealed partial class Tensor
{
    /// <summary>
    /// The elements of this tensor picked along <paramref name="axis"/> by <paramref name="index"/>, as <c>torch.gather</c>:
    /// for a 2-D tensor and axis 1, <c>y[i, j] = x[i, index[i, j]]</c>. The result has the index's shape. The index is a
    /// tensor of whole numbers (float32 or float64, whatever this tensor's dtype; a class-index tensor such as
    /// <see cref="SoftmaxHead.Predict"/> returns) of this tensor's rank, no larger than it off the axis, as PyTorch asks.
    /// Differentiable in this tensor: the gradient is scattered back, added where an element was picked more than once.
    /// </summary>
    /// <exception cref="ArgumentException">The index's rank differs, a dimension off the axis is larger than this tensor's, or an index value is not a whole number.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range, or an index value is outside 0 … (the axis's size − 1).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="index"/> is null.</exception>
    public Tensor Gather(int axis, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int resolved = Shape.NormalizeAxis(axis, Rank, nameof(Gather));
        CheckGatherIndexShape(resolved, index);
        var sourceOffsets = DTypeDispatch.Run<GatherOffsetsKernel, int[]>(index.DType, new GatherOffsetsKernel(this, resolved, index));
        var y = Empty(index.Shape, DType);
        DTypeDispatch.Run(DType, new GatherKernel(this, sourceOffsets, y));
        return Tape.Record("Gather", y, [this], saved: [], (g, grads) => // saved: the source offsets, not the index
        {
            if (grads.Needs(this)) DTypeDispatch.Run(DType, new ScatterAddKernel(g, sourceOffsets, grads.Buffer(this))); // dx[offset[i]] += g[i]
        });
    }

    private void CheckGatherIndexShape(int axis, Tensor index)
    {
        if (index.Rank != Rank)
            throw new ArgumentException(
                $"Gather: the index is {index.Shape} (rank {index.Rank}) but the input is {Shape} (rank {Rank}); the index needs the input's rank, as in torch.gather (Unsqueeze it).",
                nameof(index));
        for (int d = 0; d < Rank; d++)
            if (d != axis && index.Shape.Dims[d] > Shape.Dims[d])
                throw new ArgumentException(
                    $"Gather: the index {index.Shape} is larger than the input {Shape} in dimension {d} ({index.Shape.Dims[d]} > {Shape.Dims[d]}); " +
                    $"off the gather axis ({axis}) each index dimension must be at most the input's.", nameof(index));
    }

    /// <summary>For each index element in row-major order, the offset in the input of the element it picks.</summary>
    private readonly struct GatherOffsetsKernel(Tensor input, int axis, Tensor index) : IDTypeKernel<int[]>
    {
        public int[] Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = index.Span<T>();
            var dims = index.Shape.Dims;
            var strides = input.Shape.Strides();
            int size = input.Shape.Dims[axis];
            var offsets = new int[values.Length];
            var position = new int[dims.Length];
            int rowOffset = 0; // the offset of the position with its axis coordinate set to 0
            for (int i = 0; i < values.Length; i++)
            {
                double value = double.CreateTruncating(values[i]);
                if (value != Math.Floor(value) || double.IsNaN(value))
                    throw new ArgumentException(
                        $"Gather: index value {value} at [{string.Join(", ", position)}] is not a whole number; an index holds positions 0, 1, 2, … along axis {axis}.", nameof(index));
                if (!(value >= 0 && value < size))
                    throw new ArgumentOutOfRangeException(nameof(index), value,
                        $"Gather: index value {value} at [{string.Join(", ", position)}] is out of range for axis {axis} of {input.Shape} (size {size}); expected 0 to {size - 1}.");
                offsets[i] = rowOffset + (int)value * strides[axis];
                for (int d = dims.Length - 1; d >= 0; d--) // step the position on, as an odometer
                {
                    position[d]++;
                    if (d != axis) rowOffset += strides[d];
                    if (position[d] < dims[d]) break;
                    if (d != axis) rowOffset -= dims[d] * strides[d];
                    position[d] = 0;
                }
            }
            return offsets;
        }
    }

    /// <summary>y[i] = x[sourceOffsets[i]].</summary>
    private readonly struct GatherKernel(Tensor x, int[] sourceOffsets, Tensor y) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var source = x.Span<T>();
            var picked = y.Span<T>();
            for (int i = 0; i < picked.Length; i++) picked[i] = source[sourceOffsets[i]];
        }
    }

    /// <summary>dx[sourceOffsets[i]] += g[i], in index order (the same sums in the same order on every run).</summary>
    private readonly struct ScatterAddKernel(Tensor g, int[] sourceOffsets, Tensor dx) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var gradient = g.Span<T>();
            var target = dx.Span<T>();
            for (int i = 0; i < gradient.Length; i++) target[sourceOffsets[i]] += gradient[i];
        }
    }
}
