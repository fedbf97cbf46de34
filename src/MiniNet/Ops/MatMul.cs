using System.Numerics;
using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// Matrix product, as torch.matmul: 2-D × 2-D, batches of matrices with broadcast batch dimensions,
// and 1-D operands treated as a row (left) or a column (right) vector whose dimension is then dropped.
public sealed partial class Tensor
{
    /// <summary>
    /// The matrix product this · <paramref name="other"/> (PyTorch's <c>matmul</c>): [m, k] · [k, n] → [m, n];
    /// leading batch dimensions broadcast ([b, m, k] · [k, n] → [b, m, n]); a 1-D left operand is a row vector
    /// and a 1-D right operand a column vector.
    /// </summary>
    /// <exception cref="ArgumentException">The inner dimensions differ, the batch dimensions do not broadcast, an operand is a scalar, or the dtypes differ.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rank == 0 || other.Rank == 0)
            throw new ArgumentException($"MatMul: cannot multiply {Shape} by {other.Shape}: both operands need at least one dimension (use * to scale).", nameof(other));
        // Checked here, before 1-D operands are promoted, so that the error names the shapes the caller passed.
        int inner = Shape[-1], otherInner = other.Rank == 1 ? other.Shape[0] : other.Shape[-2];
        if (inner != otherInner)
            throw new ArgumentException($"MatMul: cannot multiply {Shape} by {other.Shape}: inner dimensions {inner} and {otherInner} differ.", nameof(other));
        if (Rank == 1 && other.Rank == 1)
            return Reshape([1, Shape[0]]).MatMul(other).Reshape([]);
        if (Rank == 1)
            return Reshape([1, Shape[0]]).MatMul(other).Squeeze(-2);
        if (other.Rank == 1)
            return MatMul(other.Reshape([other.Shape[0], 1])).Squeeze(-1);
        return BatchedMatMul(this, other);
    }

    private static Tensor BatchedMatMul(Tensor a, Tensor b)
    {
        Elementwise.CheckSameDType("MatMul", a, b);
        int m = a.Shape[-2], k = a.Shape[-1], n = b.Shape[-1];
        if (b.Shape[-2] != k)
            throw new ArgumentException($"MatMul: cannot multiply {a.Shape} by {b.Shape}: inner dimensions {k} and {b.Shape[-2]} differ.");
        // Batches as plain dimensions, not shapes: [65536, 65536, 0, 5] holds no elements, but its batch alone would be too many.
        int[] aBatch = a.Shape.Dims[..^2].ToArray(), bBatch = b.Shape.Dims[..^2].ToArray();
        int[] batch;
        try
        {
            batch = Shape.BroadcastDims(aBatch, bBatch, "MatMul");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"MatMul: cannot multiply {a.Shape} by {b.Shape}: batch dimensions [{string.Join(", ", aBatch)}] and [{string.Join(", ", bBatch)}] do not broadcast (each pair must be equal or one of them 1).", e);
        }
        var product = Empty(Shape.Checked([.. batch, m, n], "MatMul"), a.DType); // each matrix of the product is written once, whole
        if (product.ElementCount == 0) return EmptyMatMul(a, b, product);
        var aIndex = MatrixIndices(batch, aBatch);
        var bIndex = MatrixIndices(batch, bBatch);
        for (int t = 0; t < aIndex.Length; t++)
            Multiply(a, aIndex[t] * m * k, false, b, bIndex[t] * k * n, false, product, t * m * n, m, k, n, accumulate: false);

        return Tape.Record("MatMul", product, [a, b], saved: [a, b], (g, grads) =>
        {
            if (aIndex.Length == 1)
            {
                // One product: each GEMM writes every element of its gradient, so into one nothing has reached yet it stores.
                bool accumulate;
                if (grads.Needs(a)) // dA += G · Bᵀ
                    Multiply(g, 0, false, b, 0, true, grads.BufferToWrite(a, out accumulate), 0, m, n, k, accumulate);
                if (grads.Needs(b)) // dB += Aᵀ · G
                    Multiply(a, 0, true, g, 0, false, grads.BufferToWrite(b, out accumulate), 0, k, m, n, accumulate);
                return;
            }
            for (int t = 0; t < aIndex.Length; t++)
            {
                if (grads.Needs(a)) // dA += G · Bᵀ
                    Multiply(g, t * m * n, false, b, bIndex[t] * k * n, true, grads.Buffer(a), aIndex[t] * m * k, m, n, k, accumulate: true);
                if (grads.Needs(b)) // dB += Aᵀ · G
                    Multiply(a, aIndex[t] * m * k, true, g, t * m * n, false, grads.Buffer(b), bIndex[t] * k * n, k, m, n, accumulate: true);
            }
        });
    }

    /// <summary>c[cOffset…] = op(x)·op(y) for one matrix of a batch, or += when <paramref name="accumulate"/> (gradients).</summary>
    internal static void Multiply(Tensor x, int xOffset, bool transposeX, Tensor y, int yOffset, bool transposeY,
        Tensor c, int cOffset, int rows, int inner, int cols, bool accumulate) =>
        DTypeDispatch.Run(x.DType, new GemmKernel(x, xOffset, transposeX, y, yOffset, transposeY, c, cOffset, rows, inner, cols, accumulate));

    /// <summary>One GEMM on three tensors' storage, at offsets, for their dtype.</summary>
    private readonly struct GemmKernel(Tensor x, int xOffset, bool transposeX, Tensor y, int yOffset, bool transposeY,
        Tensor c, int cOffset, int rows, int inner, int cols, bool accumulate) : IDTypeKernel
    {
        // Memory rather than spans: a large product is split across threads, and spans cannot cross threads.
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Gemm.Multiply<T>(x.Storage<T>().AsMemory(xOffset, rows * inner), transposeX, y.Storage<T>().AsMemory(yOffset, inner * cols), transposeY,
                c.Storage<T>().AsMemory(cOffset, rows * cols), rows, inner, cols, accumulate);
    }

    /// <summary>
    /// A product with no elements (m or n is 0, or a batch dimension is): nothing to compute, but its batch may
    /// count more matrices than an array could index. Each operand's gradient is zeros, and still reaches it.
    /// </summary>
    private static Tensor EmptyMatMul(Tensor a, Tensor b, Tensor product) =>
        Tape.Record("MatMul", product, [a, b], saved: [], (_, grads) =>
        {
            if (grads.Needs(a)) grads.Buffer(a);
            if (grads.Needs(b)) grads.Buffer(b);
        });

    /// <summary>For each matrix of the broadcast batch, the index of the operand's matrix that feeds it.</summary>
    private static int[] MatrixIndices(int[] batch, int[] operandBatch)
    {
        var indices = new int[Shape.CountOf(batch)]; // at most the product's element count: the product is not empty
        int rank = batch.Length, offset = rank - operandBatch.Length;
        for (int t = 0; t < indices.Length; t++)
        {
            int remaining = t, index = 0, stride = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                int position = remaining % batch[d];
                remaining /= batch[d];
                if (d >= offset)
                {
                    int size = operandBatch[d - offset];
                    if (size != 1) index += position * stride;
                    stride *= size;
                }
            }
            indices[t] = index;
        }
        return indices;
    }
}
