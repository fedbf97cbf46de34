using System.Numerics;
using MiniNet.Ops;

namespace MiniNet.Kernels;

/// <summary>
/// The loops of <see cref="Tensor.Conv2d"/>: image-to-column packing, its adjoint (column-to-image, a scatter-add), and
/// the GEMMs between them, one image and one group at a time so the scratch never grows with the batch. The loops
/// are plain and in a fixed order and the GEMM is deterministic, so every result is the same on every CPU.
/// </summary>
internal static class Convolution
{
    /// <summary>y = W ⋆ x + b, for every image n and group: y[n, group] = W[group]·columns(x[n, group]).</summary>
    public static void Forward<T>(Conv2dGeometry g, T[] input, T[] weight, T[]? bias, T[] output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int pixels = g.OutPixels, rows = g.ColumnRows, groupOut = g.GroupOutChannels;
        var columns = new T[rows * pixels];
        for (int n = 0; n < g.Batch; n++)
        {
            int imageOut = n * g.OutChannels * pixels;
            for (int c = 0; c < g.OutChannels; c++)
                output.AsSpan(imageOut + c * pixels, pixels).Fill(bias is null ? T.Zero : bias[c]);
            for (int group = 0; group < g.Groups; group++)
            {
                Pack(g, input, n, group, columns);
                Gemm.Multiply<T>(weight.AsMemory(group * groupOut * rows, groupOut * rows), false, columns, false,
                    output.AsMemory(imageOut + group * groupOut * pixels, groupOut * pixels), groupOut, rows, pixels, accumulate: true);
            }
        }
    }

    /// <summary>
    /// The three gradients, each optional: dW[group] += G[n, group]·columnsᵀ over the images in order, dx[n, group] +=
    /// col2im(W[group]ᵀ·G[n, group]), db[c] += Σ G[n, c, ·] (one ordered sum per channel).
    /// </summary>
    public static void Backward<T>(Conv2dGeometry g, T[] input, T[] weight, T[] gradOutput, T[]? inputGrad, T[]? weightGrad,
        bool weightAccumulate, T[]? biasGrad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int pixels = g.OutPixels, rows = g.ColumnRows, groupOut = g.GroupOutChannels;
        var columns = weightGrad is null ? null : new T[rows * pixels];
        var columnGrad = inputGrad is null ? null : new T[rows * pixels];
        // The first image stores into a fresh weight gradient; with no images, it must still end up zeros.
        if (g.Batch == 0 && weightGrad is not null && !weightAccumulate) Array.Clear(weightGrad);
        for (int n = 0; n < g.Batch; n++)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                int gradOffset = (n * g.OutChannels + group * groupOut) * pixels, weightOffset = group * groupOut * rows;
                if (columns is not null) // dW[group] += G[n, group]·columnsᵀ   ([groupOut, pixels]·[pixels, rows])
                {
                    Pack(g, input, n, group, columns);
                    Gemm.Multiply<T>(gradOutput.AsMemory(gradOffset, groupOut * pixels), false, columns, true,
                        weightGrad.AsMemory(weightOffset, groupOut * rows), groupOut, pixels, rows, accumulate: weightAccumulate || n > 0);
                }
                if (columnGrad is not null) // columns' gradient = W[group]ᵀ·G[n, group]   ([rows, groupOut]·[groupOut, pixels])
                {
                    Gemm.Multiply<T>(weight.AsMemory(weightOffset, groupOut * rows), true, gradOutput.AsMemory(gradOffset, groupOut * pixels), false,
                        columnGrad, rows, groupOut, pixels, accumulate: false);
                    ScatterAdd(g, columnGrad, n, group, inputGrad!);
                }
            }
        }
        if (biasGrad is not null)
            for (int c = 0; c < g.OutChannels; c++)
            {
                T sum = T.Zero;
                for (int n = 0; n < g.Batch; n++)
                {
                    var channel = gradOutput.AsSpan((n * g.OutChannels + c) * pixels, pixels);
                    for (int p = 0; p < channel.Length; p++) sum += channel[p];
                }
                biasGrad[c] += sum;
            }
    }

    /// <summary>
    /// columns[(c·kH + i)·kW + j, oh·W_out + ow] = x[n, group's channel c, oh·s − pad + i·d, ow·s − pad + j·d], zero where
    /// that falls in the padding.
    /// </summary>
    private static void Pack<T>(Conv2dGeometry g, T[] input, int n, int group, T[] columns) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int row = 0;
        for (int c = 0; c < g.GroupInChannels; c++)
        {
            var plane = input.AsSpan(((n * g.InChannels) + group * g.GroupInChannels + c) * g.Height * g.Width, g.Height * g.Width);
            for (int i = 0; i < g.KernelHeight; i++)
                for (int j = 0; j < g.KernelWidth; j++, row++)
                {
                    var line = columns.AsSpan(row * g.OutPixels, g.OutPixels);
                    for (int oh = 0; oh < g.OutHeight; oh++)
                    {
                        var target = line.Slice(oh * g.OutWidth, g.OutWidth);
                        int y = oh * g.StrideHeight - g.PadTop + i * g.DilationHeight;
                        if ((uint)y >= (uint)g.Height) { target.Clear(); continue; }
                        int x = -g.PadLeft + j * g.DilationWidth, rowStart = y * g.Width;
                        for (int ow = 0; ow < target.Length; ow++, x += g.StrideWidth)
                            target[ow] = (uint)x < (uint)g.Width ? plane[rowStart + x] : T.Zero;
                    }
                }
        }
    }

    /// <summary>The adjoint of <see cref="Pack"/>: each column element's gradient is added to the pixel it was read from (padding drops it).</summary>
    private static void ScatterAdd<T>(Conv2dGeometry g, T[] columnGrad, int n, int group, T[] inputGrad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int row = 0;
        for (int c = 0; c < g.GroupInChannels; c++)
        {
            var plane = inputGrad.AsSpan(((n * g.InChannels) + group * g.GroupInChannels + c) * g.Height * g.Width, g.Height * g.Width);
            for (int i = 0; i < g.KernelHeight; i++)
                for (int j = 0; j < g.KernelWidth; j++, row++)
                {
                    var line = columnGrad.AsSpan(row * g.OutPixels, g.OutPixels);
                    for (int oh = 0; oh < g.OutHeight; oh++)
                    {
                        int y = oh * g.StrideHeight - g.PadTop + i * g.DilationHeight;
                        if ((uint)y >= (uint)g.Height) continue;
                        var source = line.Slice(oh * g.OutWidth, g.OutWidth);
                        int x = -g.PadLeft + j * g.DilationWidth, rowStart = y * g.Width;
                        for (int ow = 0; ow < source.Length; ow++, x += g.StrideWidth)
                            if ((uint)x < (uint)g.Width) plane[rowStart + x] += source[ow];
                    }
                }
        }
    }
}
