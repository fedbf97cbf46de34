using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// The 2-d poolings of PyTorch's F.max_pool2d, F.avg_pool2d and F.adaptive_avg_pool2d (floor mode), each one op whose
// backward sends every output's gradient back over its window: all of it to the element a max took, an equal share
// to every element an average counted.
public sealed partial class Tensor
{
    /// <summary>
    /// PyTorch's <c>F.max_pool2d</c> of an input [N, C, H, W] or [C, H, W]: the maximum of each window, the padding
    /// counting as −∞; the output's image is ⌊(H + 2·padding − dilation·(kH − 1) − 1)/stride⌋ + 1 rows (likewise
    /// columns). A NaN in a window is its maximum. The gradient goes to the element PyTorch picks: the first maximum in
    /// the window's row-major order (the last NaN, if any).
    /// </summary>
    /// <param name="kernelSize">The window's (height, width), or one number for both.</param>
    /// <param name="stride">Step between windows; the kernel size when null, as PyTorch.</param>
    /// <param name="padding">−∞ rows/columns on each side, at most half the kernel size; none when null.</param>
    /// <param name="dilation">Spacing between the window's taps; 1 when null.</param>
    /// <exception cref="ArgumentException">The input is not 3-d or 4-d, a kernel size, stride or dilation is not positive, the padding is negative or more than half the kernel, or the output would be empty.</exception>
    public Tensor MaxPool2d(Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, Size2d? dilation = null)
    {
        var geometry = Pool2dGeometry.Of("MaxPool2d", this, kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1);
        var y = Empty(geometry.OutputDims(this), DType, "MaxPool2d");
        geometry.ArgMax = RecycledArray<int>.Take((long)geometry.Planes * geometry.OutPixels);
        DTypeDispatch.Run(DType, new MaxPoolForwardKernel(geometry, this, y));
        return Tape.Record("MaxPool2d", y, [this], saved: [], MaxPool2dBackward, geometry);
    }

    /// <summary>dx[argmax] += dy (saved: the argmax of every window).</summary>
    private static void MaxPool2dBackward(TapeEntry op, Tensor g, Gradients grads)
    {
        var input = op.Input(0);
        if (grads.Needs(input)) DTypeDispatch.Run(g.DType, new MaxPoolBackwardKernel((Pool2dGeometry)op.State!, g, grads.Buffer(input)));
    }

    /// <summary>
    /// PyTorch's <c>F.avg_pool2d</c> of an input [N, C, H, W] or [C, H, W] (floor mode, no divisor override): each
    /// window's sum divided by the kernel's area, or with <paramref name="countIncludePad"/> false by the number of
    /// real (unpadded) elements in it; the output size is <see cref="MaxPool2d"/>'s with dilation 1.
    /// </summary>
    /// <param name="kernelSize">The window's (height, width), or one number for both.</param>
    /// <param name="stride">Step between windows; the kernel size when null, as PyTorch.</param>
    /// <param name="padding">Zero rows/columns on each side, at most half the kernel size; none when null.</param>
    /// <param name="countIncludePad">Whether padded positions count in the divisor.</param>
    /// <exception cref="ArgumentException">The input is not 3-d or 4-d, a kernel size or stride is not positive, the padding is negative or more than half the kernel, or the output would be empty.</exception>
    public Tensor AvgPool2d(Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, bool countIncludePad = true)
    {
        var geometry = Pool2dGeometry.Of("AvgPool2d", this, kernelSize, stride ?? kernelSize, padding ?? 0, 1);
        geometry.CountIncludePad = countIncludePad;
        var y = Empty(geometry.OutputDims(this), DType, "AvgPool2d");
        DTypeDispatch.Run(DType, new AveragePoolForwardKernel(geometry, this, y, adaptive: false));
        return Tape.Record("AvgPool2d", y, [this], saved: [], AvgPool2dBackward, geometry);
    }

    /// <summary>dx += dy / divisor over each window.</summary>
    private static void AvgPool2dBackward(TapeEntry op, Tensor g, Gradients grads)
    {
        var input = op.Input(0);
        if (grads.Needs(input)) DTypeDispatch.Run(g.DType, new AveragePoolBackwardKernel((Pool2dGeometry)op.State!, g, grads.Buffer(input), adaptive: false));
    }

    /// <summary>
    /// PyTorch's <c>F.adaptive_avg_pool2d</c> of an input [N, C, H, W] or [C, H, W]: an output of
    /// <paramref name="outputSize"/> whose element (i, j) is the mean of rows ⌊i·H/outH⌋ … ⌈(i+1)·H/outH⌉ − 1 and
    /// the columns likewise (windows overlap when the sizes do not divide).
    /// </summary>
    /// <param name="outputSize">The output image's (height, width), or one number for both.</param>
    /// <exception cref="ArgumentException">The input is not 3-d or 4-d or its image is empty, or an output size is less than 1.</exception>
    public Tensor AdaptiveAvgPool2d(Size2d outputSize)
    {
        var geometry = Pool2dGeometry.Adaptive("AdaptiveAvgPool2d", this, outputSize);
        var y = Empty(geometry.OutputDims(this), DType, "AdaptiveAvgPool2d");
        DTypeDispatch.Run(DType, new AveragePoolForwardKernel(geometry, this, y, adaptive: true));
        return Tape.Record("AdaptiveAvgPool2d", y, [this], saved: [], AdaptiveAvgPool2dBackward, geometry);
    }

    /// <summary>dx += dy / (rows · columns) over each window.</summary>
    private static void AdaptiveAvgPool2dBackward(TapeEntry op, Tensor g, Gradients grads)
    {
        var input = op.Input(0);
        if (grads.Needs(input)) DTypeDispatch.Run(g.DType, new AveragePoolBackwardKernel((Pool2dGeometry)op.State!, g, grads.Buffer(input), adaptive: true));
    }

    private readonly struct MaxPoolForwardKernel(Pool2dGeometry geometry, Tensor input, Tensor output) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Pooling.MaxForward(geometry, input.Storage<T>(), output.Storage<T>(), geometry.ArgMax!);
    }

    private readonly struct MaxPoolBackwardKernel(Pool2dGeometry geometry, Tensor gradOutput, Tensor gradInput) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Pooling.MaxBackward(geometry, geometry.ArgMax!, gradOutput.Storage<T>(), gradInput.Storage<T>());
    }

    private readonly struct AveragePoolForwardKernel(Pool2dGeometry geometry, Tensor input, Tensor output, bool adaptive) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (adaptive) Pooling.AdaptiveAverageForward(geometry, input.Storage<T>(), output.Storage<T>());
            else Pooling.AverageForward(geometry, input.Storage<T>(), output.Storage<T>());
        }
    }

    private readonly struct AveragePoolBackwardKernel(Pool2dGeometry geometry, Tensor gradOutput, Tensor gradInput, bool adaptive) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (adaptive) Pooling.AdaptiveAverageBackward(geometry, gradOutput.Storage<T>(), gradInput.Storage<T>());
            else Pooling.AverageBackward(geometry, gradOutput.Storage<T>(), gradInput.Storage<T>());
        }
    }
}
