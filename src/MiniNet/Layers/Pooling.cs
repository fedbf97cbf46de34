using MiniNet.Ops;

namespace MiniNet.Layers;

/// <summary>
/// Max pooling, PyTorch's <c>nn.MaxPool2d</c> (floor mode): see <see cref="Tensor.MaxPool2d"/>. No parameters.
/// </summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer; the stride defaults to the kernel size, as PyTorch.</summary>
    /// <param name="kernelSize">The window's (height, width), or one number for both.</param>
    /// <param name="stride">Step between windows; the kernel size when null.</param>
    /// <param name="padding">−∞ rows/columns on each side, at most half the kernel size; none when null.</param>
    /// <param name="dilation">Spacing between the window's taps; 1 when null.</param>
    /// <exception cref="ArgumentException">A kernel size, stride or dilation is not positive, or the padding is negative or more than half the kernel.</exception>
    public MaxPool2d(Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, Size2d? dilation = null)
    {
        (KernelSize, Stride, Padding, Dilation) = (kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1);
        Pool2dGeometry.CheckHyperparameters("MaxPool2d", KernelSize, Stride, Padding, Dilation);
    }

    /// <summary>The window's (height, width).</summary>
    public Size2d KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public Size2d Stride { get; }

    /// <summary>−∞ padding on each side.</summary>
    public Size2d Padding { get; }

    /// <summary>Spacing between the window's taps.</summary>
    public Size2d Dilation { get; }

    /// <summary>The maxima of an input [N, C, H, W] or [C, H, W].</summary>
    /// <exception cref="ArgumentException">The input is not 3-d or 4-d or is too small for the window; the message names the layer by its path.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return PoolingLayer.Naming(Where, () => input.MaxPool2d(KernelSize, Stride, Padding, Dilation));
    }

    /// <inheritdoc/>
    public override string Describe() =>
        $"MaxPool2d(kernel_size={PoolingLayer.Print(KernelSize)}, stride={PoolingLayer.Print(Stride)}, padding={PoolingLayer.Print(Padding)}, dilation={PoolingLayer.Print(Dilation)}, ceil_mode=False)";
}

/// <summary>
/// Average pooling, PyTorch's <c>nn.AvgPool2d</c> (floor mode, no divisor override): see <see cref="Tensor.AvgPool2d"/>. No parameters.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Creates the layer; the stride defaults to the kernel size, as PyTorch.</summary>
    /// <param name="kernelSize">The window's (height, width), or one number for both.</param>
    /// <param name="stride">Step between windows; the kernel size when null.</param>
    /// <param name="padding">Zero rows/columns on each side, at most half the kernel size; none when null.</param>
    /// <param name="countIncludePad">Whether padded positions count in the divisor.</param>
    /// <exception cref="ArgumentException">A kernel size or stride is not positive, or the padding is negative or more than half the kernel.</exception>
    public AvgPool2d(Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, bool countIncludePad = true)
    {
        (KernelSize, Stride, Padding, CountIncludePad) = (kernelSize, stride ?? kernelSize, padding ?? 0, countIncludePad);
        Pool2dGeometry.CheckHyperparameters("AvgPool2d", KernelSize, Stride, Padding, 1);
    }

    /// <summary>The window's (height, width).</summary>
    public Size2d KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public Size2d Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public Size2d Padding { get; }

    /// <summary>Whether padded positions count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <summary>The window means of an input [N, C, H, W] or [C, H, W].</summary>
    /// <exception cref="ArgumentException">The input is not 3-d or 4-d or is too small for the window; the message names the layer by its path.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return PoolingLayer.Naming(Where, () => input.AvgPool2d(KernelSize, Stride, Padding, CountIncludePad));
    }

    /// <inheritdoc/>
    public override string Describe() =>
        $"AvgPool2d(kernel_size={PoolingLayer.Print(KernelSize)}, stride={PoolingLayer.Print(Stride)}, padding={PoolingLayer.Print(Padding)})"; // PyTorch leaves count_include_pad out
}

/// <summary>
/// Adaptive average pooling, PyTorch's <c>nn.AdaptiveAvgPool2d</c>: see <see cref="Tensor.AdaptiveAvgPool2d"/>. No parameters.
/// </summary>
public sealed class AdaptiveAvgPool2d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="outputSize">The output image's (height, width), or one number for both.</param>
    /// <exception cref="ArgumentException">An output size is less than 1.</exception>
    public AdaptiveAvgPool2d(Size2d outputSize)
    {
        if (outputSize.Height < 1 || outputSize.Width < 1)
            throw new ArgumentException($"AdaptiveAvgPool2d: output size must be positive, got {outputSize}.", nameof(outputSize));
        OutputSize = outputSize;
    }

    /// <summary>The output image's (height, width).</summary>
    public Size2d OutputSize { get; }

    /// <summary>The adaptive window means of an input [N, C, H, W] or [C, H, W].</summary>
    /// <exception cref="ArgumentException">The input is not 3-d or 4-d or its image is empty; the message names the layer by its path.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return PoolingLayer.Naming(Where, () => input.AdaptiveAvgPool2d(OutputSize));
    }

    /// <inheritdoc/>
    public override string Describe() => $"AdaptiveAvgPool2d(output_size={PoolingLayer.Print(OutputSize)})";
}

/// <summary>What the pooling layers share: PyTorch's way of printing a pair, and errors that name the layer.</summary>
internal static class PoolingLayer
{
    /// <summary>One number when both are equal (as PyTorch prints <c>MaxPool2d(2)</c>), else the pair.</summary>
    public static string Print(Size2d size) => size.Height == size.Width ? size.Height.ToString(System.Globalization.CultureInfo.InvariantCulture) : size.ToString();

    /// <summary>Runs the op; an argument error is re-thrown with the layer's path in front, as the layers with parameters do.</summary>
    public static Tensor Naming(string where, Func<Tensor> pool)
    {
        try
        {
            return pool();
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new ArgumentException($"{where}: {message}", "input", e);
        }
    }
}
