namespace MiniNet.Ops;

/// <summary>
/// The sizes and hyperparameters of one 2-d pooling (max, average or adaptive average), checked once in the forward
/// and kept on the tape for the backward. Every channel of every image is pooled alone, so the input is seen as
/// <see cref="Planes"/> planes of <see cref="Height"/> × <see cref="Width"/>.
/// </summary>
internal sealed class Pool2dGeometry
{
    public int Planes, Height, Width;
    public int KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadTop, PadLeft, DilationHeight = 1, DilationWidth = 1;
    public int OutHeight, OutWidth;

    /// <summary>Average pooling only: whether the divisor counts padded positions.</summary>
    public bool CountIncludePad;

    /// <summary>Max pooling only: the flat index (within its plane) of the element each output took, for the backward.</summary>
    public int[]? ArgMax;

    /// <summary>Pixels of one input plane.</summary>
    public int InPixels => Height * Width;

    /// <summary>Pixels of one output plane.</summary>
    public int OutPixels => OutHeight * OutWidth;

    /// <summary>
    /// Checks a pooling's hyperparameters as PyTorch does (shared by the ops and the layers): positive kernel, stride
    /// and dilation, and padding between 0 and half the kernel, so that every window holds at least one real element.
    /// </summary>
    public static void CheckHyperparameters(string op, Size2d kernelSize, Size2d stride, Size2d padding, Size2d dilation)
    {
        if (kernelSize.Height <= 0 || kernelSize.Width <= 0)
            throw new ArgumentException($"{op}: kernel size must be positive, got {kernelSize}.", nameof(kernelSize));
        if (stride.Height <= 0 || stride.Width <= 0)
            throw new ArgumentException($"{op}: stride must be positive, got {stride}.", nameof(stride));
        if (dilation.Height <= 0 || dilation.Width <= 0)
            throw new ArgumentException($"{op}: dilation must be positive, got {dilation}.", nameof(dilation));
        if (padding.Height < 0 || padding.Width < 0 || padding.Height > kernelSize.Height / 2 || padding.Width > kernelSize.Width / 2)
            throw new ArgumentException($"{op}: padding must be between 0 and half the kernel size {kernelSize}, got {padding}.", nameof(padding));
    }

    /// <summary>Checks the input and the hyperparameters of a max or average pooling and computes the output size.</summary>
    public static Pool2dGeometry Of(string op, Tensor input, Size2d kernelSize, Size2d stride, Size2d padding, Size2d dilation)
    {
        CheckHyperparameters(op, kernelSize, stride, padding, dilation);
        var g = Planar(op, input);
        (g.KernelHeight, g.KernelWidth, g.StrideHeight, g.StrideWidth) = (kernelSize.Height, kernelSize.Width, stride.Height, stride.Width);
        (g.PadTop, g.PadLeft, g.DilationHeight, g.DilationWidth) = (padding.Height, padding.Width, dilation.Height, dilation.Width);
        // PyTorch's floor mode: ⌊(H + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1, rounding towards −∞.
        long outHeight = FloorDiv((long)g.Height + 2L * g.PadTop - (long)g.DilationHeight * (g.KernelHeight - 1) - 1, g.StrideHeight) + 1;
        long outWidth = FloorDiv((long)g.Width + 2L * g.PadLeft - (long)g.DilationWidth * (g.KernelWidth - 1) - 1, g.StrideWidth) + 1;
        if (outHeight < 1 || outWidth < 1)
            throw new ArgumentException($"{op}: the input {input.Shape} is too small for kernel size {kernelSize} with padding {padding} and dilation {dilation}: the output would be {outHeight} × {outWidth}.", nameof(input));
        (g.OutHeight, g.OutWidth) = ((int)outHeight, (int)outWidth);
        return g;
    }

    /// <summary>Checks the input and output size of an adaptive average pooling.</summary>
    public static Pool2dGeometry Adaptive(string op, Tensor input, Size2d outputSize)
    {
        if (outputSize.Height < 1 || outputSize.Width < 1)
            throw new ArgumentException($"{op}: output size must be positive, got {outputSize}.", nameof(outputSize));
        var g = Planar(op, input);
        if (g.Height == 0 || g.Width == 0)
            throw new ArgumentException($"{op}: the input {input.Shape} has an empty image.", nameof(input));
        (g.OutHeight, g.OutWidth) = (outputSize.Height, outputSize.Width);
        return g;
    }

    private static Pool2dGeometry Planar(string op, Tensor input)
    {
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{op}: expected input [N, C, H, W] or [C, H, W], got {input.Shape}.", nameof(input));
        long planes = (input.Rank == 4 ? (long)input.Shape[0] : 1) * input.Shape[-3];
        return new Pool2dGeometry { Planes = (int)planes, Height = input.Shape[-2], Width = input.Shape[-1] };
    }

    private static long FloorDiv(long numerator, long denominator) =>
        numerator >= 0 ? numerator / denominator : -((-numerator + denominator - 1) / denominator);

    /// <summary>The output's dimensions: the input's, with the image replaced by the output size.</summary>
    public int[] OutputDims(Tensor input)
    {
        var dims = input.Shape.ToArray();
        dims[^2] = OutHeight;
        dims[^1] = OutWidth;
        return dims;
    }
}
