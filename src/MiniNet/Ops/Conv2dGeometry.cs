namespace MiniNet.Ops;

/// <summary>
/// The sizes and hyperparameters of one 2-d convolution, checked once in the forward and kept on the tape for the
/// backward. Padding is held as the top and left amounts: the bottom/right ones only decide the output size.
/// </summary>
internal sealed class Conv2dGeometry
{
    public int Batch, InChannels, Height, Width;
    public int OutChannels, KernelHeight, KernelWidth, Groups;
    public int StrideHeight, StrideWidth, PadTop, PadLeft, DilationHeight, DilationWidth;
    public int OutHeight, OutWidth;

    /// <summary>Input channels per group.</summary>
    public int GroupInChannels => InChannels / Groups;

    /// <summary>Output channels per group.</summary>
    public int GroupOutChannels => OutChannels / Groups;

    /// <summary>Rows of one group's column matrix: its input channels × the kernel's taps.</summary>
    public int ColumnRows => GroupInChannels * KernelHeight * KernelWidth;

    /// <summary>Columns of the column matrix: one per output pixel.</summary>
    public int OutPixels => OutHeight * OutWidth;

    /// <summary>Checks every argument of <see cref="Tensor.Conv2d"/> and computes the output size.</summary>
    public static Conv2dGeometry Of(Tensor input, Tensor weight, Tensor? bias, Size2d stride, Padding2d padding, Size2d dilation, int groups)
    {
        const string Op = "Conv2d";
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{Op}: expected input [N, C, H, W] or [C, H, W], got {input.Shape}.", nameof(input));
        if (weight.Rank != 4)
            throw new ArgumentException($"{Op}: the weight must be [out, in/groups, kH, kW], got {weight.Shape}.", nameof(weight));
        Elementwise.CheckSameDType(Op, input, weight);
        if (bias is not null) Elementwise.CheckSameDType(Op, input, bias);
        if (groups <= 0)
            throw new ArgumentException($"{Op}: groups must be positive, got {groups}.", nameof(groups));
        if (stride.Height <= 0 || stride.Width <= 0)
            throw new ArgumentException($"{Op}: stride must be positive, got {stride}.", nameof(stride));
        if (dilation.Height <= 0 || dilation.Width <= 0)
            throw new ArgumentException($"{Op}: dilation must be positive, got {dilation}.", nameof(dilation));
        if (padding.IsSame && (stride.Height != 1 || stride.Width != 1))
            throw new ArgumentException($"{Op}: padding \"same\" needs stride 1, got stride {stride}.", nameof(padding));

        var g = new Conv2dGeometry
        {
            Batch = input.Rank == 4 ? input.Shape[0] : 1,
            InChannels = input.Shape[-3], Height = input.Shape[-2], Width = input.Shape[-1],
            OutChannels = weight.Shape[0], KernelHeight = weight.Shape[2], KernelWidth = weight.Shape[3], Groups = groups,
            StrideHeight = stride.Height, StrideWidth = stride.Width, DilationHeight = dilation.Height, DilationWidth = dilation.Width,
        };
        if (g.OutChannels == 0 || g.KernelHeight == 0 || g.KernelWidth == 0)
            throw new ArgumentException($"{Op}: the weight {weight.Shape} has an empty dimension.", nameof(weight));
        if (g.InChannels % groups != 0 || g.OutChannels % groups != 0)
            throw new ArgumentException($"{Op}: input channels {g.InChannels} and output channels {g.OutChannels} must both be divisible by groups {groups}.", nameof(groups));
        if (weight.Shape[1] != g.InChannels / groups)
            throw new ArgumentException($"{Op}: the weight {weight.Shape} expects {weight.Shape[1] * groups} input channels (in/groups = {weight.Shape[1]}, groups {groups}), but the input {input.Shape} has {g.InChannels}.", nameof(input));
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != g.OutChannels))
            throw new ArgumentException($"{Op}: the bias must be [{g.OutChannels}] for a weight {weight.Shape}, got {bias.Shape}.", nameof(bias));

        // The dilated kernel spans d·(k − 1) + 1 pixels; "same" pads that minus one in total, the odd one at the bottom/right.
        long spanHeight = (long)dilation.Height * (g.KernelHeight - 1) + 1, spanWidth = (long)dilation.Width * (g.KernelWidth - 1) + 1;
        long padBottom, padRight;
        if (padding.IsSame)
        {
            g.PadTop = (int)((spanHeight - 1) / 2);
            g.PadLeft = (int)((spanWidth - 1) / 2);
            padBottom = spanHeight - 1 - g.PadTop;
            padRight = spanWidth - 1 - g.PadLeft;
        }
        else
        {
            (g.PadTop, g.PadLeft) = (padding.Height, padding.Width);
            (padBottom, padRight) = (padding.Height, padding.Width);
        }
        long paddedHeight = g.Height + g.PadTop + padBottom, paddedWidth = g.Width + g.PadLeft + padRight;
        if (paddedHeight < spanHeight || paddedWidth < spanWidth)
            throw new ArgumentException($"{Op}: the padded input ({paddedHeight} × {paddedWidth}, from {input.Shape}) is smaller than the dilated kernel ({spanHeight} × {spanWidth}, from {weight.Shape} with dilation {dilation}).", nameof(input));
        g.OutHeight = (int)((paddedHeight - spanHeight) / stride.Height + 1);
        g.OutWidth = (int)((paddedWidth - spanWidth) / stride.Width + 1);
        if ((long)g.ColumnRows * g.OutPixels > Array.MaxLength)
            throw new ArgumentException($"{Op}: one image's columns ({g.ColumnRows} × {g.OutPixels}) would not fit in an array.", nameof(input));
        return g;
    }
}
