using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// A 2-d convolution (PyTorch's F.conv2d, a cross-correlation) as one op on the GEMM: the images' receptive fields
// are packed as columns of a scratch matrix (im2col), so that a group's output is W·columns. Packing a chunk of images
// at a time (Kernels/ConvolutionChunks.cs) keeps the scratch near one core's cache, whatever the batch. Backward is
// GEMM-shaped too: dW += G·columnsᵀ chunk after chunk, and dx gets Wᵀ·G scattered back onto the pixels each column
// came from (col2im).
public sealed partial class Tensor
{
    /// <summary>
    /// The 2-d convolution of PyTorch's <c>F.conv2d</c>: input [N, C_in, H, W] (or unbatched [C_in, H, W]), weight
    /// [C_out, C_in/groups, kH, kW], bias [C_out] or null; the result is [N, C_out, H_out, W_out] with
    /// H_out = ⌊(H + 2·padding − dilation·(kH − 1) − 1)/stride⌋ + 1 (likewise W_out).
    /// </summary>
    /// <param name="input">The images, [N, C_in, H, W] or [C_in, H, W].</param>
    /// <param name="weight">The kernels, [C_out, C_in/groups, kH, kW].</param>
    /// <param name="bias">Added to each output channel, [C_out]; null for none.</param>
    /// <param name="stride">Step between receptive fields; 1 when null.</param>
    /// <param name="padding">Zeros around the image, numbers or "same"/"valid"; none when null.</param>
    /// <param name="dilation">Spacing between kernel taps; 1 when null.</param>
    /// <param name="groups">Channels split into this many independent groups (C_in for a depthwise convolution).</param>
    /// <exception cref="ArgumentException">A shape, dtype or hyperparameter is invalid: the rank, the channels against the groups, the bias, a non-positive stride or dilation, "same" with a stride, or an image smaller than the dilated kernel.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="weight"/> is null.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2d? stride = null, Padding2d? padding = null,
        Size2d? dilation = null, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var geometry = Conv2dGeometry.Of(input, weight, bias, stride ?? 1, padding ?? Padding2d.Valid, dilation ?? 1, groups);
        Span<int> outDims = stackalloc int[input.Rank];
        if (input.Rank == 4) outDims[0] = geometry.Batch;
        outDims[^3] = geometry.OutChannels;
        outDims[^2] = geometry.OutHeight;
        outDims[^1] = geometry.OutWidth;
        var y = Empty(outDims, input.DType, "Conv2d");
        DTypeDispatch.Run(input.DType, new Conv2dForwardKernel(geometry, input, weight, bias, y));
        return Tape.Record("Conv2d", y, bias is null ? [input, weight] : [input, weight, bias], saved: [input, weight], Conv2dBackward, geometry);
    }

    /// <summary>dx += col2im(Wᵀ·G), dW += G·columnsᵀ, db += Σ G over images and pixels (the inputs are x, W and b).</summary>
    private static void Conv2dBackward(TapeEntry op, Tensor g, Gradients grads)
    {
        var geometry = (Conv2dGeometry)op.State!;
        var (input, weight) = (op.Input(0), op.Input(1));
        // col2im adds into the input's gradient, so it must start from zeros (or from what has accumulated).
        Tensor? inputGrad = grads.Needs(input) ? grads.Buffer(input) : null;
        bool weightAccumulate = false;
        Tensor? weightGrad = grads.Needs(weight) ? grads.BufferToWrite(weight, out weightAccumulate) : null;
        Tensor? biasGrad = op.Inputs.Length == 3 && grads.Needs(op.Input(2)) ? grads.Buffer(op.Input(2)) : null;
        DTypeDispatch.Run(g.DType, new Conv2dBackwardKernel(geometry, input, weight, g, inputGrad, weightGrad, weightAccumulate, biasGrad));
    }

    private readonly struct Conv2dForwardKernel(Conv2dGeometry geometry, Tensor input, Tensor weight, Tensor? bias, Tensor output) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Convolution.Forward(geometry, input.Storage<T>(), weight.Storage<T>(), bias?.Storage<T>(), output.Storage<T>());
    }

    private readonly struct Conv2dBackwardKernel(Conv2dGeometry geometry, Tensor input, Tensor weight, Tensor gradOutput,
        Tensor? inputGrad, Tensor? weightGrad, bool weightAccumulate, Tensor? biasGrad) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Convolution.Backward(geometry, input.Storage<T>(), weight.Storage<T>(), gradOutput.Storage<T>(),
                inputGrad?.Storage<T>(), weightGrad?.Storage<T>(), weightAccumulate, biasGrad?.Storage<T>());
    }
}
