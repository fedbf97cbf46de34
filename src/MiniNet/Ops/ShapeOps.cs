using MiniNet.Kernels;

namespace MiniNet;

// Ops that move elements without computing on them: reshape (a view), permute/transpose, concat, slice,
// clone and dtype conversion. Each backward moves the gradient back the same way.
public sealed partial class Tensor
{
    /// <summary>
    /// The same elements in a new shape (one dimension may be −1, inferred). Shares the storage, as
    /// PyTorch's <c>view</c> on a contiguous tensor; an in-place change through either is seen by both.
    /// </summary>
    /// <exception cref="ArgumentException">The element counts differ, or more than one −1, or a dimension below −1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    public Tensor Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return ReshapeTo(InferShape(shape));
    }

    internal Tensor ReshapeTo(Shape shape)
    {
        var view = new Tensor(_storage, shape, Version);
        return Tape.Record("Reshape", view, [this], saved: [], (g, grads) =>
            grads.Accumulate(this, g.ReshapeTo(Shape)));
    }

    private Shape InferShape(int[] requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var dims = (int[])requested.Clone();
        int inferred = -1;
        bool valid = true;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1 && inferred < 0) inferred = i;
            else if (dims[i] < 0) valid = false;
        }
        if (valid && inferred >= 0)
        {
            dims[inferred] = 1;
            long known = Shape.CountOf(dims); // 64-bit and saturating: a product that wraps could match by accident
            if (known == 0)
                throw new ArgumentException(
                    $"Reshape: cannot view {Shape} ({ElementCount} elements) as [{string.Join(", ", requested)}]: beside a 0 the −1 " +
                    "could be any size, so it is ambiguous; give every dimension.", nameof(requested));
            valid = ElementCount % known == 0;
            if (valid) dims[inferred] = (int)(ElementCount / known);
        }
        else if (valid) valid = Shape.CountOf(dims) == ElementCount;
        if (!valid)
            throw new ArgumentException(
                $"Reshape: cannot view {Shape} ({ElementCount} elements) as [{string.Join(", ", requested)}]" +
                " (at most one dimension may be −1, the rest must be ≥ 0 and keep the element count).", nameof(requested));
        return Shape.Checked(dims, nameof(Reshape));
    }

    /// <summary>Removes dimension <paramref name="axis"/>, which must have size 1.</summary>
    /// <exception cref="ArgumentException">The dimension's size is not 1.</exception>
    public Tensor Squeeze(int axis)
    {
        int resolved = Shape.NormalizeAxis(axis, Rank, nameof(Squeeze));
        if (Shape.Dims[resolved] != 1)
            throw new ArgumentException($"Squeeze: dimension {axis} of {Shape} has size {Shape.Dims[resolved]}, not 1.", nameof(axis));
        return ReshapeTo(Shape.Without(resolved, nameof(Squeeze)));
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="axis"/> (−1 appends one at the end).</summary>
    public Tensor Unsqueeze(int axis)
    {
        int resolved = Shape.NormalizeAxis(axis, Rank + 1, nameof(Unsqueeze));
        var dims = new List<int>(Shape.Dims.ToArray());
        dims.Insert(resolved, 1);
        return Reshape(dims.ToArray());
    }

    /// <summary>Merges dimensions <paramref name="startAxis"/> … <paramref name="endAxis"/> into one, as <c>torch.flatten</c>.</summary>
    public Tensor Flatten(int startAxis = 0, int endAxis = -1)
    {
        if (Rank == 0) return Reshape([1]);
        int start = Shape.NormalizeAxis(startAxis, Rank, nameof(Flatten)), end = Shape.NormalizeAxis(endAxis, Rank, nameof(Flatten));
        if (start > end)
            throw new ArgumentException($"Flatten: start axis {startAxis} comes after end axis {endAxis} for {Shape}.", nameof(startAxis));
        var dims = new List<long>();
        long merged = 1; // in 64 bits: [0, 65536, 65536] flattened from axis 1 would merge to 2³², which wraps to 0 in an int
        for (int d = 0; d < Rank; d++)
        {
            if (d < start || d > end) dims.Add(Shape.Dims[d]);
            else
            {
                merged = Math.Min(merged * Shape.Dims[d], 1L + int.MaxValue);
                if (d == end) dims.Add(merged);
            }
        }
        return ReshapeTo(Shape.Checked(dims.ToArray(), nameof(Flatten)));
    }

    /// <summary>The transpose of a 2-D tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not 2-D (use <see cref="Transpose(int, int)"/>).</exception>
    public Tensor Transpose()
    {
        if (Rank != 2)
            throw new InvalidOperationException($"Transpose: {Shape} is not 2-D; name the two axes to swap with Transpose(axis0, axis1).");
        return Permute(1, 0);
    }

    /// <summary>Swaps two axes (a copy, not a view: MiniNet tensors are always contiguous).</summary>
    public Tensor Transpose(int axis0, int axis1)
    {
        int a = Shape.NormalizeAxis(axis0, Rank, nameof(Transpose)), b = Shape.NormalizeAxis(axis1, Rank, nameof(Transpose));
        var order = new int[Rank];
        for (int d = 0; d < Rank; d++) order[d] = d;
        (order[a], order[b]) = (order[b], order[a]);
        return Permute(order);
    }

    /// <summary>Reorders the axes: output axis i is input axis <paramref name="order"/>[i], as <c>torch.permute</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="order"/> is not a permutation of the axes.</exception>
    public Tensor Permute(params int[] order)
    {
        var axes = CheckPermutation(order);
        var outDims = new int[Rank];
        for (int d = 0; d < Rank; d++) outDims[d] = Shape.Dims[axes[d]];
        var y = Empty(outDims, DType);
        DTypeDispatch.Run(DType, new PermuteKernel(this, axes, y));

        var inverse = new int[Rank];
        for (int d = 0; d < Rank; d++) inverse[axes[d]] = d;
        return Tape.Record("Permute", y, [this], saved: [], (g, grads) =>
            grads.Accumulate(this, g.Permute(inverse)));
    }

    private int[] CheckPermutation(int[] order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var seen = new bool[Rank];
        var axes = new int[order.Length];
        bool valid = order.Length == Rank;
        for (int i = 0; i < order.Length && valid; i++)
        {
            int axis = order[i] < 0 ? order[i] + Rank : order[i];
            valid = (uint)axis < (uint)Rank && !seen[axis];
            if (valid) seen[axis] = true;
            axes[i] = axis;
        }
        if (!valid)
            throw new ArgumentException($"Permute: [{string.Join(", ", order)}] is not a permutation of the {Rank} axes of {Shape}.", nameof(order));
        return axes;
    }

    /// <summary>Joins tensors along an existing axis; all other dimensions must agree, as <c>torch.cat</c>.</summary>
    /// <exception cref="ArgumentException">No tensors, mixed dtypes or ranks, or dimensions that differ off the axis.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="tensors"/> or one of its tensors is null.</exception>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        for (int i = 0; i < tensors.Count; i++)
            if (tensors[i] is null) throw new ArgumentNullException(nameof(tensors), $"Concat: tensor {i} of {tensors.Count} is null.");
        if (tensors.Count == 0) throw new ArgumentException("Concat: needs at least one tensor.", nameof(tensors));
        var first = tensors[0];
        if (first.Rank == 0) throw new ArgumentException("Concat: scalars (rank 0) have no axis to join along; Reshape them to [1] first.", nameof(tensors));
        int resolved = Shape.NormalizeAxis(axis, first.Rank, nameof(Concat));
        long total = 0; // in 64 bits: two [1 << 30, 0] tensors join to 2³¹ rows, one more than an int holds
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            bool compatible = t.Rank == first.Rank && t.DType == first.DType;
            for (int d = 0; d < first.Rank && compatible; d++) compatible = d == resolved || t.Shape.Dims[d] == first.Shape.Dims[d];
            if (!compatible)
                throw new ArgumentException(
                    $"Concat: tensor {i} is {t.Shape} {t.DType} but tensor 0 is {first.Shape} {first.DType}; all must share the dtype and every dimension but axis {axis}.",
                    nameof(tensors));
            total += t.Shape.Dims[resolved];
        }
        var inputs = tensors.ToArray();
        var dims = Array.ConvertAll(first.Shape.ToArray(), d => (long)d);
        dims[resolved] = total;
        var y = Empty(Shape.Checked(dims, nameof(Concat)), first.DType);
        var (outer, _, inner) = y.Shape.SplitAt(resolved);
        int outRow = y.Shape.Dims[resolved] * inner, start = 0;
        foreach (var t in inputs)
        {
            int block = t.Shape.Dims[resolved] * inner;
            for (int o = 0; o < outer; o++) CopyBlock(t, o * block, y, o * outRow + start, block);
            start += block;
        }
        return Tape.Record("Concat", y, inputs, saved: [], (g, grads) =>
        {
            int offset = 0;
            foreach (var t in inputs)
            {
                int length = t.Shape.Dims[resolved];
                if (grads.Needs(t)) grads.Accumulate(t, g.Slice(resolved, offset, offset + length));
                offset += length;
            }
        });
    }

    /// <summary>
    /// Elements <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive) along an axis, as
    /// <c>x[..., start:end, ...]</c>; negative positions count from the end. A copy.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the dimension or reversed (nothing is clipped).</exception>
    public Tensor Slice(int axis, int start, int end)
    {
        int resolved = Shape.NormalizeAxis(axis, Rank, nameof(Slice));
        int size = Shape.Dims[resolved];
        int from = start < 0 ? start + size : start, to = end < 0 ? end + size : end;
        if (from < 0 || to > size || from > to)
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Slice: [{start}, {end}) is not a range within dimension {axis} of {Shape} (size {size}).");
        var y = Empty(Shape.With(resolved, to - from, nameof(Slice)), DType);
        var (outer, _, inner) = Shape.SplitAt(resolved);
        int block = (to - from) * inner;
        for (int o = 0; o < outer; o++) CopyBlock(this, (o * size + from) * inner, y, o * block, block);
        return Tape.Record("Slice", y, [this], saved: [], (g, grads) =>
        {
            if (!grads.Needs(this)) return;
            var buffer = grads.Buffer(this);
            for (int o = 0; o < outer; o++) AddBlock(g, o * block, buffer, (o * size + from) * inner, block);
        });
    }

    /// <summary>
    /// Elements <paramref name="start"/> … <paramref name="start"/> + <paramref name="length"/> − 1 along an axis, as
    /// <c>torch.narrow</c>; a negative start counts from the end. A copy.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the dimension or the length is negative (nothing is clipped).</exception>
    public Tensor Narrow(int axis, int start, int length)
    {
        int resolved = Shape.NormalizeAxis(axis, Rank, nameof(Narrow));
        int size = Shape.Dims[resolved];
        // Resolve the start here: passing a negative start on to Slice would make start + length count from the end too.
        int from = start < 0 ? start + size : start;
        if (from < 0 || length < 0 || from > size - length)
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Narrow: start {start} and length {length} are not a range within dimension {axis} of {Shape} (size {size}).");
        return Slice(resolved, from, from + length);
    }

    /// <summary>A copy with its own storage that stays on the tape (the gradient passes straight through), as <c>torch.clone</c>.</summary>
    public Tensor Clone()
    {
        var copy = Copy();
        return Tape.Record("Clone", copy, [this], saved: [], (g, grads) => grads.Accumulate(this, g));
    }

    /// <summary>This tensor converted to <paramref name="dtype"/> (this tensor itself if it already is); differentiable.</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var converted = Empty(Shape, dtype);
        DTypeDispatch.Run(DType, new ConvertKernel(this, converted));
        return Tape.Record("To" + dtype, converted, [this], saved: [], (g, grads) =>
            grads.Accumulate(this, g.To(DType)));
    }

    private readonly struct PermuteKernel(Tensor x, int[] axes, Tensor y) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => Permutation.Apply(x.Span<T>(), x.Shape, axes, y.Span<T>());
    }

    /// <summary>y = x rounded to y's dtype (float ↔ double; to float rounds to nearest, overflowing to ±∞).</summary>
    private readonly struct ConvertKernel(Tensor x, Tensor y) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (y.DType == DType.Float32) Convert(x.Span<T>(), y.Span<float>());
            else Convert(x.Span<T>(), y.Span<double>());
        }

        private static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination)
            where TFrom : unmanaged, System.Numerics.INumberBase<TFrom> where TTo : unmanaged, System.Numerics.INumberBase<TTo>
        {
            for (int i = 0; i < source.Length; i++) destination[i] = TTo.CreateTruncating(source[i]);
        }
    }

    private static void CopyBlock(Tensor from, int fromOffset, Tensor to, int toOffset, int length) =>
        Array.Copy(from.StorageArray, fromOffset, to.StorageArray, toOffset, length);

    private static void AddBlock(Tensor from, int fromOffset, Tensor to, int toOffset, int length) =>
        DTypeDispatch.Run(from.DType, new AddBlockKernel(from, fromOffset, to, toOffset, length));

    private readonly struct AddBlockKernel(Tensor from, int fromOffset, Tensor to, int toOffset, int length) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var target = to.Span<T>().Slice(toOffset, length);
            Simd.Zip(target, from.Span<T>().Slice(fromOffset, length), target, new AddOp());
        }
    }
}
