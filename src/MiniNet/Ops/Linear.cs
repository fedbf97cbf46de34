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

        var outDims = input.Shape.ToArray();
        outDims[^1] = outFeatures;
        var y = Empty(Shape.Checked(outDims, "Linear"), input.DType);
        // The rows of x (all but the last dimension) from a count that holds them, never from their own product,
        // which can pass 2³¹ when every tensor involved is empty.
        int rows = inFeatures > 0 ? input.ElementCount / inFeatures : outFeatures > 0 ? y.ElementCount / outFeatures : 0;
        if (input.DType == DType.Float32) Forward(input.Storage<float>(), weight.Storage<float>(), bias is null ? default : bias.Span<float>(), y.Storage<float>(), rows, inFeatures, outFeatures);
        else Forward(input.Storage<double>(), weight.Storage<double>(), bias is null ? default : bias.Span<double>(), y.Storage<double>(), rows, inFeatures, outFeatures);

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Tape.Record("Linear", y, inputs, saved: [input, weight], (g, grads) =>
        {
            // A GEMM writes every element: into a gradient nothing has reached yet it stores, saving the zeros.
            bool accumulate;
            if (grads.Needs(input)) // dx += G·W        ([rows, out]·[out, in])
                GemmInto(g, false, weight, false, grads.BufferToWrite(input, out accumulate), rows, outFeatures, inFeatures, accumulate);
            if (grads.Needs(weight)) // dW += Gᵀ·x      ([out, rows]·[rows, in])
                GemmInto(g, true, input, false, grads.BufferToWrite(weight, out accumulate), outFeatures, rows, inFeatures, accumulate);
            if (bias is not null && grads.Needs(bias)) // db += Σ_rows G
                grads.Accumulate(bias, g);
        });
    }

    // The GEMMs take the storage arrays as Memory rather than spans: a large product is split across threads,
    // and spans cannot cross threads.
    private static void Forward<T>(T[] x, T[] w, ReadOnlySpan<T> b, T[] y, int rows, int inFeatures, int outFeatures)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // Start from the bias broadcast over the rows, then accumulate x·Wᵀ into it.
        if (b.IsEmpty) y.AsSpan().Clear();
        else for (int r = 0; r < rows; r++) b.CopyTo(y.AsSpan(r * outFeatures, outFeatures));
        Gemm.Multiply<T>(x.AsMemory(), false, w.AsMemory(), true, y.AsMemory(), rows, inFeatures, outFeatures, accumulate: true);
    }

    private static void GemmInto(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, int m, int k, int n, bool accumulate)
    {
        if (a.DType == DType.Float32)
            Gemm.Multiply<float>(a.Storage<float>().AsMemory(), transposeA, b.Storage<float>().AsMemory(), transposeB, c.Storage<float>().AsMemory(), m, k, n, accumulate);
        else
            Gemm.Multiply<double>(a.Storage<double>().AsMemory(), transposeA, b.Storage<double>().AsMemory(), transposeB, c.Storage<double>().AsMemory(), m, k, n, accumulate);
    }
}
