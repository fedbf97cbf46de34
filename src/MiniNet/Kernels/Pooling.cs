using System.Numerics;
using MiniNet.Ops;

namespace MiniNet.Kernels;

/// <summary>
/// The loops of the 2-d poolings, each a copy of PyTorch's CPU kernel for a contiguous NCHW input: plain loops over
/// planes, output pixels and the window in row-major order, so every result is the same on every CPU and thread count.
/// </summary>
internal static class Pooling
{
    /// <summary>
    /// y = the window's maximum; records in <see cref="Pool2dGeometry.ArgMax"/> which element it was. Planes are
    /// independent, so they are shared across threads (<see cref="MaxPoolRows{T}"/>).
    /// </summary>
    public static void MaxForward<T>(Pool2dGeometry g, T[] input, T[] output, int[] argMax) where T : unmanaged, IFloatingPointIeee754<T> =>
        MaxPoolRows<T>.Run(g, input, output, argMax, forward: true);

    /// <summary>dx[argmax] += dy: each output's gradient goes to the element it took (the planes shared across threads).</summary>
    public static void MaxBackward<T>(Pool2dGeometry g, int[] argMax, T[] gradOutput, T[] gradInput) where T : unmanaged, IFloatingPointIeee754<T> =>
        MaxPoolRows<T>.Run(g, gradOutput, gradInput, argMax, forward: false);

    /// <summary>Planes [first, end) of <see cref="MaxForward{T}"/>.</summary>
    internal static void MaxForwardPlanes<T>(Pool2dGeometry g, ReadOnlySpan<T> input, Span<T> output, Span<int> argMax, int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = g.Width, height = g.Height, outHeight = g.OutHeight, outWidth = g.OutWidth, inPixels = g.InPixels, outPixels = g.OutPixels;
        int kernelHeight = g.KernelHeight, kernelWidth = g.KernelWidth, strideHeight = g.StrideHeight, strideWidth = g.StrideWidth;
        int dilationHeight = g.DilationHeight, dilationWidth = g.DilationWidth, padTop = g.PadTop, padLeft = g.PadLeft;
        bool twoByTwo = kernelHeight == 2 && kernelWidth == 2 && strideHeight == 2 && strideWidth == 2 && padTop == 0 && padLeft == 0
            && dilationHeight == 1 && dilationWidth == 1;
        for (int plane = first; plane < end; plane++)
        {
            var x = input.Slice(plane * inPixels, inPixels);
            var y = output.Slice(plane * outPixels, outPixels);
            var taken = argMax.Slice(plane * outPixels, outPixels);
            if (twoByTwo)
            {
                MaxPoolTwoByTwo(x, width, y, taken, outHeight, outWidth);
                continue;
            }
            for (int oh = 0; oh < outHeight; oh++)
            for (int ow = 0; ow < outWidth; ow++)
            {
                // The window's first and past-the-end rows/columns, stepping over the padding by whole dilations.
                int h0 = oh * strideHeight - padTop, w0 = ow * strideWidth - padLeft;
                int h1 = Math.Min(h0 + (kernelHeight - 1) * dilationHeight + 1, height);
                int w1 = Math.Min(w0 + (kernelWidth - 1) * dilationWidth + 1, width);
                while (h0 < 0) h0 += dilationHeight;
                while (w0 < 0) w0 += dilationWidth;
                int best = h0 * width + w0;
                T max = T.NegativeInfinity;
                for (int h = h0; h < h1; h += dilationHeight)
                for (int w = w0; w < w1; w += dilationWidth)
                {
                    T value = x[h * width + w];
                    // PyTorch's test: a strictly larger value wins, so a tie keeps the first; NaN always wins (and propagates).
                    if (value > max || T.IsNaN(value))
                    {
                        max = value;
                        best = h * width + w;
                    }
                }
                y[oh * outWidth + ow] = max;
                taken[oh * outWidth + ow] = best;
            }
        }
    }

    /// <summary>
    /// The common 2×2 window with stride 2 (PyTorch's <c>MaxPool2d(2)</c>): the same choices as the general loop — a
    /// strictly larger value wins, a NaN always — with the window's four elements named and compared in row-major order.
    /// </summary>
    private static void MaxPoolTwoByTwo<T>(ReadOnlySpan<T> x, int width, Span<T> y, Span<int> taken, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int oh = 0; oh < outHeight; oh++)
        {
            int top = 2 * oh * width, bottom = top + width;
            var upper = x.Slice(top, 2 * outWidth);
            var lower = x.Slice(bottom, 2 * outWidth);
            var yRow = y.Slice(oh * outWidth, outWidth);
            var takenRow = taken.Slice(oh * outWidth, outWidth);
            for (int ow = 0; ow < yRow.Length; ow++)
            {
                int left = 2 * ow;
                T max = upper[left];
                int best = top + left;
                T value = upper[left + 1];
                if (value > max || T.IsNaN(value)) (max, best) = (value, top + left + 1);
                value = lower[left];
                if (value > max || T.IsNaN(value)) (max, best) = (value, bottom + left);
                value = lower[left + 1];
                if (value > max || T.IsNaN(value)) (max, best) = (value, bottom + left + 1);
                yRow[ow] = max;
                takenRow[ow] = best;
            }
        }
    }

    /// <summary>Planes [first, end) of <see cref="MaxBackward{T}"/>.</summary>
    internal static void MaxBackwardPlanes<T>(Pool2dGeometry g, ReadOnlySpan<int> argMax, ReadOnlySpan<T> gradOutput, Span<T> gradInput, int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inPixels = g.InPixels, outPixels = g.OutPixels;
        for (int plane = first; plane < end; plane++)
        {
            var dy = gradOutput.Slice(plane * outPixels, outPixels);
            var taken = argMax.Slice(plane * outPixels, outPixels);
            var dx = gradInput.Slice(plane * inPixels, inPixels);
            for (int o = 0; o < dy.Length; o++) dx[taken[o]] += dy[o];
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

/// <summary>
/// Max pooling's planes as rows of a <see cref="RowJob"/>: each plane is pooled (or its gradient sent back) whole by one
/// thread, and planes write disjoint memory, so the bits never depend on the thread count. One object per thread is reused.
/// </summary>
internal sealed class MaxPoolRows<T> : IRowRange where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic] private static MaxPoolRows<T>? t_free;

    private Pool2dGeometry _g = null!;
    private T[] _source = null!, _target = null!;
    private int[] _argMax = null!;
    private bool _forward;

    /// <summary>Forward: source x, target y. Backward: source dy, target dx.</summary>
    public static void Run(Pool2dGeometry g, T[] source, T[] target, int[] argMax, bool forward)
    {
        var rows = t_free ?? new MaxPoolRows<T>();
        t_free = null;
        (rows._g, rows._source, rows._target, rows._argMax, rows._forward) = (g, source, target, argMax, forward);
        try
        {
            RowJob.Run(rows, g.Planes, (long)g.Planes * (forward ? g.InPixels : g.OutPixels));
        }
        finally
        {
            (rows._g, rows._source, rows._target, rows._argMax) = (null!, null!, null!, null!);
            t_free = rows;
        }
    }

    void IRowRange.Run(int start, int end)
    {
        if (_forward) Pooling.MaxForwardPlanes<T>(_g, _source, _target, _argMax, start, end);
        else Pooling.MaxBackwardPlanes<T>(_g, _argMax, _source, _target, start, end);
    }
}
