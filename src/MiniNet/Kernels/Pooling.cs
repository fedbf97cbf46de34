using System.Numerics;
using MiniNet.Ops;

namespace MiniNet.Kernels;

/// <summary>
/// The loops of the 2-d poolings, each a copy of PyTorch's CPU kernel for a contiguous NCHW input: plain loops over
/// planes, output pixels and the window in row-major order, so every result is the same on every CPU and thread count.
/// </summary>
internal static class Pooling
{
    /// <summary>y = the window's maximum; records in <see cref="Pool2dGeometry.ArgMax"/> which element it was.</summary>
    public static void MaxForward<T>(Pool2dGeometry g, T[] input, T[] output, int[] argMax) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int plane = 0; plane < g.Planes; plane++)
        {
            int inBase = plane * g.InPixels, outBase = plane * g.OutPixels;
            for (int oh = 0; oh < g.OutHeight; oh++)
            for (int ow = 0; ow < g.OutWidth; ow++)
            {
                // The window's first and past-the-end rows/columns, stepping over the padding by whole dilations.
                int h0 = oh * g.StrideHeight - g.PadTop, w0 = ow * g.StrideWidth - g.PadLeft;
                int h1 = Math.Min(h0 + (g.KernelHeight - 1) * g.DilationHeight + 1, g.Height);
                int w1 = Math.Min(w0 + (g.KernelWidth - 1) * g.DilationWidth + 1, g.Width);
                while (h0 < 0) h0 += g.DilationHeight;
                while (w0 < 0) w0 += g.DilationWidth;
                int best = h0 * g.Width + w0;
                T max = T.NegativeInfinity;
                for (int h = h0; h < h1; h += g.DilationHeight)
                for (int w = w0; w < w1; w += g.DilationWidth)
                {
                    T value = input[inBase + h * g.Width + w];
                    // PyTorch's test: a strictly larger value wins, so a tie keeps the first; NaN always wins (and propagates).
                    if (value > max || T.IsNaN(value))
                    {
                        max = value;
                        best = h * g.Width + w;
                    }
                }
                output[outBase + oh * g.OutWidth + ow] = max;
                argMax[outBase + oh * g.OutWidth + ow] = best;
            }
        }
    }

    /// <summary>dx[argmax] += dy: each output's gradient goes to the element it took.</summary>
    public static void MaxBackward<T>(Pool2dGeometry g, int[] argMax, T[] gradOutput, T[] gradInput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int plane = 0; plane < g.Planes; plane++)
        {
            int inBase = plane * g.InPixels, outBase = plane * g.OutPixels;
            for (int o = 0; o < g.OutPixels; o++)
                gradInput[inBase + argMax[outBase + o]] += gradOutput[outBase + o];
        }
    }

    /// <summary>y = Σ window / divisor, the divisor being the kernel's area or, without countIncludePad, the real elements in it.</summary>
    public static void AverageForward<T>(Pool2dGeometry g, T[] input, T[] output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int plane = 0; plane < g.Planes; plane++)
        {
            int inBase = plane * g.InPixels, outBase = plane * g.OutPixels;
            for (int oh = 0; oh < g.OutHeight; oh++)
            for (int ow = 0; ow < g.OutWidth; ow++)
            {
                var (h0, h1, w0, w1, divisor) = AverageWindow(g, oh, ow);
                T sum = T.Zero;
                for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++)
                    sum += input[inBase + h * g.Width + w];
                output[outBase + oh * g.OutWidth + ow] = sum / T.CreateTruncating(divisor);
            }
        }
    }

    /// <summary>dx += dy / divisor over each window.</summary>
    public static void AverageBackward<T>(Pool2dGeometry g, T[] gradOutput, T[] gradInput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int plane = 0; plane < g.Planes; plane++)
        {
            int inBase = plane * g.InPixels, outBase = plane * g.OutPixels;
            for (int oh = 0; oh < g.OutHeight; oh++)
            for (int ow = 0; ow < g.OutWidth; ow++)
            {
                var (h0, h1, w0, w1, divisor) = AverageWindow(g, oh, ow);
                T share = gradOutput[outBase + oh * g.OutWidth + ow] / T.CreateTruncating(divisor);
                for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++)
                    gradInput[inBase + h * g.Width + w] += share;
            }
        }
    }

    /// <summary>The window of output (oh, ow) clipped to the image, and its divisor, as PyTorch's avg_pool2d computes them.</summary>
    private static (int H0, int H1, int W0, int W1, int Divisor) AverageWindow(Pool2dGeometry g, int oh, int ow)
    {
        int h0 = oh * g.StrideHeight - g.PadTop, w0 = ow * g.StrideWidth - g.PadLeft;
        int h1 = Math.Min(h0 + g.KernelHeight, g.Height + g.PadTop), w1 = Math.Min(w0 + g.KernelWidth, g.Width + g.PadLeft);
        int paddedArea = (h1 - h0) * (w1 - w0);
        (h0, w0, h1, w1) = (Math.Max(h0, 0), Math.Max(w0, 0), Math.Min(h1, g.Height), Math.Min(w1, g.Width));
        return (h0, h1, w0, w1, g.CountIncludePad ? paddedArea : (h1 - h0) * (w1 - w0));
    }

    /// <summary>y = the mean of rows ⌊i·H/out⌋ … ⌈(i+1)·H/out⌉ − 1 (likewise columns), windows that may overlap.</summary>
    public static void AdaptiveAverageForward<T>(Pool2dGeometry g, T[] input, T[] output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int plane = 0; plane < g.Planes; plane++)
        {
            int inBase = plane * g.InPixels, outBase = plane * g.OutPixels;
            for (int oh = 0; oh < g.OutHeight; oh++)
            for (int ow = 0; ow < g.OutWidth; ow++)
            {
                var (h0, h1) = AdaptiveRange(oh, g.Height, g.OutHeight);
                var (w0, w1) = AdaptiveRange(ow, g.Width, g.OutWidth);
                T sum = T.Zero;
                for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++)
                    sum += input[inBase + h * g.Width + w];
                // Divided by each extent in turn, as PyTorch does, for the same rounding.
                output[outBase + oh * g.OutWidth + ow] = sum / T.CreateTruncating(h1 - h0) / T.CreateTruncating(w1 - w0);
            }
        }
    }

    /// <summary>dx += dy / (rows · columns) over each window.</summary>
    public static void AdaptiveAverageBackward<T>(Pool2dGeometry g, T[] gradOutput, T[] gradInput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int plane = 0; plane < g.Planes; plane++)
        {
            int inBase = plane * g.InPixels, outBase = plane * g.OutPixels;
            for (int oh = 0; oh < g.OutHeight; oh++)
            for (int ow = 0; ow < g.OutWidth; ow++)
            {
                var (h0, h1) = AdaptiveRange(oh, g.Height, g.OutHeight);
                var (w0, w1) = AdaptiveRange(ow, g.Width, g.OutWidth);
                T share = gradOutput[outBase + oh * g.OutWidth + ow] / T.CreateTruncating(h1 - h0) / T.CreateTruncating(w1 - w0);
                for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++)
                    gradInput[inBase + h * g.Width + w] += share;
            }
        }
    }

    /// <summary>PyTorch's adaptive window along one dimension: start ⌊i·size/out⌋, end ⌈(i+1)·size/out⌉.</summary>
    private static (int Start, int End) AdaptiveRange(int index, int size, int outSize) =>
        ((int)((long)index * size / outSize), (int)(((long)(index + 1) * size + outSize - 1) / outSize));
}
