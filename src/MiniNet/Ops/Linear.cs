using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// The affine map of a dense layer as one fused op (PyTorch's F.linear / addmm): y = x·Wᵀ + b with the
// weight stored [out, in] as nn.Linear stores it. Fusing saves materialising Wᵀ on every forward and
// gives backward three direct GEMM-shaped products instead of a chain of recorded ops.
public sealed partial class Tensor
{
    /// <summary>
    /// y = input · weightᵀ + bias, as PyTorch's <c>F.linear</c>: input [..., in], weight [out, in],
    /// bias [out] or null; the result is [..., out].
    /// </summary>
    /// <exception cref="ArgumentException">The input's last dimension is not the weight's in-features, the bias is not [out], or the dtypes differ.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="weight"/> is null.</exception>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"Linear: the weight must be [out, in], got {weight.Shape}.", nameof(weight));
        int outFeatures = weight.Shape[0], inFeatures = weight.Shape[1];
        if (input.Rank == 0 || input.Shape[-1] != inFeatures)
            throw new ArgumentException($"Linear: expected input [*, {inFeatures}] for a weight {weight.Shape}, got {input.Shape}.", nameof(input));
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outFeatures))
            throw new ArgumentException($"Linear: the bias must be [{outFeatures}] for a weight {weight.Shape}, got {bias.Shape}.", nameof(bias));
        Elementwise.CheckSameDType("Linear", input, weight);
        if (bias is not null) Elementwise.CheckSameDType("Linear", input, bias);

        Span<int> outDims = stackalloc int[input.Rank];
        input.Shape.Dims.CopyTo(outDims);
        outDims[^1] = outFeatures;
        var y = Empty(outDims, input.DType, "Linear");
        int rows = RowsOf(input, weight, y);
        // Start from the bias broadcast over the rows, then accumulate x·Wᵀ into it.
        if (bias is null) Array.Clear(y.StorageArray);
        else for (int r = 0; r < rows; r++) CopyBlock(bias, 0, y, r * outFeatures, outFeatures);
        Multiply(input, 0, false, weight, 0, true, y, 0, rows, inFeatures, outFeatures, accumulate: true);

        return Tape.Record("Linear", y, bias is null ? [input, weight] : [input, weight, bias], saved: [input, weight], LinearBackward);
    }

    /// <summary>dx += G·W, dW += Gᵀ·x, db += Σ_rows G: three GEMM-shaped products (the inputs are x, W and b).</summary>
    private static void LinearBackward(TapeEntry op, Tensor g, Gradients grads)
    {
        var (input, weight) = (op.Input(0), op.Input(1));
        int outFeatures = weight.Shape[0], inFeatures = weight.Shape[1], rows = RowsOf(input, weight, g);
        // A GEMM writes every element: into a gradient nothing has reached yet it stores, saving the zeros.
        bool accumulate;
        if (grads.Needs(input)) // dx += G·W        ([rows, out]·[out, in])
            Multiply(g, 0, false, weight, 0, false, grads.BufferToWrite(input, out accumulate), 0, rows, outFeatures, inFeatures, accumulate);
        if (grads.Needs(weight)) // dW += Gᵀ·x      ([out, rows]·[rows, in])
            Multiply(g, 0, true, input, 0, false, grads.BufferToWrite(weight, out accumulate), 0, outFeatures, rows, inFeatures, accumulate);
        if (op.Inputs.Length == 3 && grads.Needs(op.Input(2))) // db += Σ_rows G
            grads.Accumulate(op.Input(2), g);
    }

    /// <summary>
    /// The rows of x (all but the last dimension) from a count that holds them, never from their own product, which can
    /// pass 2³¹ when every tensor involved is empty; <paramref name="result"/> is y or its gradient.
    /// </summary>
    private static int RowsOf(Tensor input, Tensor weight, Tensor result)
    {
        int outFeatures = weight.Shape[0], inFeatures = weight.Shape[1];
        return inFeatures > 0 ? input.ElementCount / inFeatures : outFeatures > 0 ? result.ElementCount / outFeatures : 0;
    }
}
