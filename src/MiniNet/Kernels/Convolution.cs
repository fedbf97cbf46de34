using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MiniNet.Ops;

namespace MiniNet.Kernels;

/// <summary>
/// The loops of <see cref="Tensor.Conv2d"/>: image-to-column packing, its adjoint (column-to-image, a scatter-add), and
/// the GEMMs between them. Images go through in chunks of a size set by the geometry alone (<see cref="ImagesPerChunk"/>):
/// a chunk's receptive fields are packed side by side into one column matrix of about <see cref="ColumnBudget"/> elements,
/// small enough to stay in a core's cache between the packing and the GEMM, and each chunk is computed start to finish
/// by one thread. The weight gradient sums one partial product per chunk, in chunk order. So the bits of every result
/// depend on neither the CPU nor the thread count, and the scratch does not grow with the batch.
/// </summary>
internal static class Convolution
{
    // Columns per chunk, in elements (1 MB of float: a core's L2 cache on current x64 CPUs).
    private const int ColumnBudget = 1 << 18;

    /// <summary>How many images a chunk holds: as many as fit in <see cref="ColumnBudget"/>, at least one.</summary>
    public static int ImagesPerChunk(Conv2dGeometry g) =>
        Math.Clamp(ColumnBudget / Math.Max(1, g.ColumnRows * g.OutPixels), 1, Math.Max(1, g.Batch));

    /// <summary>The number of chunks the batch goes through in.</summary>
    public static int ChunkCount(Conv2dGeometry g) => (g.Batch + ImagesPerChunk(g) - 1) / ImagesPerChunk(g);

    /// <summary>
    /// y = W ⋆ x + b, a chunk of images and a group at a time: product = b + W[group]·columns(chunk), a
    /// [groupOut, images·pixels] matrix, then each image's block copied to its place in y.
    /// </summary>
    public static void Forward<T>(Conv2dGeometry g, T[] input, T[] weight, T[]? bias, T[] output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var chunks = ConvolutionChunks<T>.Reused();
        chunks.Forward(g, input, weight, bias, output);
    }

    /// <summary>
    /// The three gradients, each optional: dx += col2im(W[group]ᵀ·G) and dW's partial G·columnsᵀ chunk by chunk (with
    /// G[chunk, group] gathered into a [groupOut, images·pixels] matrix), then dW += the partials in chunk order, and
    /// db[c] += Σ G[n, c, ·] (per image a fixed-lane sum, the images added in order in double).
    /// </summary>
    public static void Backward<T>(Conv2dGeometry g, T[] input, T[] weight, T[] gradOutput, T[]? inputGrad, T[]? weightGrad,
        bool weightAccumulate, T[]? biasGrad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // With no images the weight gradient must still end up zeros when it is not accumulating.
        if (g.Batch == 0 && weightGrad is not null && !weightAccumulate) Array.Clear(weightGrad);
        if (g.Batch > 0 && (weightGrad is not null || inputGrad is not null))
        {
            var chunks = ConvolutionChunks<T>.Reused();
            chunks.Backward(g, input, weight, gradOutput, inputGrad, weightGrad, weightAccumulate);
        }
        if (biasGrad is not null) BiasGradient(g, gradOutput, biasGrad);
    }

    /// <summary>db[c] += Σ_n Σ_p G[n, c, p]: each plane a fixed-lane sum in double, the planes added in image order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BiasGradient<T>(Conv2dGeometry g, T[] gradOutput, T[] biasGrad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int pixels = g.OutPixels;
        for (int c = 0; c < g.OutChannels; c++)
        {
            double total = 0;
            for (int n = 0; n < g.Batch; n++) total += Simd.Sum<T>(gradOutput.AsSpan((n * g.OutChannels + c) * pixels, pixels));
            biasGrad[c] += T.CreateTruncating(total);
        }
    }

    /// <summary>
    /// columns[(c·kH + i)·kW + j, column + oh·W_out + ow] = x[n, group's channel c, oh·s − pad + i·d, ow·s − pad + j·d],
    /// zero where that falls in the padding; <paramref name="rowLength"/> is the length of a row of columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Pack<T>(Conv2dGeometry g, T[] input, int n, int group, T[] columns, int column, int rowLength) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int row = 0;
        for (int c = 0; c < g.GroupInChannels; c++)
        {
            var plane = input.AsSpan(((n * g.InChannels) + group * g.GroupInChannels + c) * g.Height * g.Width, g.Height * g.Width);
            for (int i = 0; i < g.KernelHeight; i++)
                for (int j = 0; j < g.KernelWidth; j++, row++)
                {
                    var line = columns.AsSpan(row * rowLength + column, g.OutPixels);
                    if (IsShiftedPlane(g)) { PackShifted(g, plane, i, j, line); continue; }
                    int x0 = -g.PadLeft + j * g.DilationWidth;
                    for (int oh = 0; oh < g.OutHeight; oh++)
                    {
                        var target = line.Slice(oh * g.OutWidth, g.OutWidth);
                        int y = oh * g.StrideHeight - g.PadTop + i * g.DilationHeight;
                        if ((uint)y >= (uint)g.Height) { target.Clear(); continue; }
                        var source = plane.Slice(y * g.Width, g.Width);
                        if (g.StrideWidth == 1) CopyShifted(source, x0, target);
                        else
                            for (int ow = 0, x = x0; ow < target.Length; ow++, x += g.StrideWidth)
                                target[ow] = (uint)x < (uint)g.Width ? source[x] : T.Zero;
                    }
                }
        }
    }

    /// <summary>
    /// Stride 1 with an output as wide as the input (a "same" convolution, the common case): a tap's line of columns is
    /// then the whole plane shifted by one offset, (i·d − padTop)·W + (j·d − padLeft), apart from the columns the shift
    /// wraps across a row's end — so it moves as one block, and only those columns are patched.
    /// </summary>
    private static bool IsShiftedPlane(Conv2dGeometry g) => g.StrideHeight == 1 && g.StrideWidth == 1 && g.OutWidth == g.Width;

    /// <summary>Where tap (i, j)'s shifted plane is valid: the output rows [Top, Bottom) and columns [Left, Right), and the shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Top, int Bottom, int Left, int Right, int Shift) ShiftedWindow(Conv2dGeometry g, int i, int j)
    {
        int rowShift = i * g.DilationHeight - g.PadTop, columnShift = j * g.DilationWidth - g.PadLeft;
        int top = Math.Clamp(-rowShift, 0, g.OutHeight), bottom = Math.Clamp(g.Height - rowShift, top, g.OutHeight);
        int left = Math.Clamp(-columnShift, 0, g.Width), right = Math.Clamp(g.Width - columnShift, left, g.Width);
        if (left == right) bottom = top; // every column falls in the padding
        return (top, bottom, left, right, rowShift * g.Width + columnShift);
    }

    /// <summary><see cref="Pack"/>'s line for tap (i, j) when <see cref="IsShiftedPlane"/>: one block copy, then zeros where the tap reads padding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackShifted<T>(Conv2dGeometry g, ReadOnlySpan<T> plane, int i, int j, Span<T> line) where T : unmanaged
    {
        var (top, bottom, left, right, shift) = ShiftedWindow(g, i, j);
        int width = g.Width;
        // Elements whose source lies outside the plane are wrapped columns, zeroed below with the others.
        int start = Math.Max(top * width, -shift), end = Math.Min(bottom * width, plane.Length - shift);
        line[..(top * width)].Clear();
        if (end > start) Copy(plane.Slice(start + shift, end - start), line[start..end]);
        line[(bottom * width)..].Clear();
        ClearWrappedColumns(line, top, bottom, left, right, width);
    }

    /// <summary>Zeros columns [0, left) and [right, width) of rows [top, bottom): a pad or two per row, so element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ClearWrappedColumns<T>(Span<T> line, int top, int bottom, int left, int right, int width) where T : unmanaged
    {
        if (left == 0 && right == width) return;
        for (int rowStart = top * width; rowStart < bottom * width; rowStart += width)
        {
            for (int x = 0; x < left; x++) line[rowStart + x] = default;
            for (int x = right; x < width; x++) line[rowStart + x] = default;
        }
    }

    /// <summary>
    /// <see cref="ScatterAdd"/> for tap (i, j) when <see cref="IsShiftedPlane"/>: the line's padding columns are zeroed (the line
    /// is scratch), then the block is added in one pass — each pixel gets the same additions, in the same order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScatterAddShifted<T>(Conv2dGeometry g, Span<T> line, int i, int j, Span<T> plane) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (top, bottom, left, right, shift) = ShiftedWindow(g, i, j);
        int width = g.Width;
        ClearWrappedColumns(line, top, bottom, left, right, width);
        int start = Math.Max(top * width, -shift), end = Math.Min(bottom * width, plane.Length - shift);
        if (end <= start) return;
        AddTo(plane.Slice(start + shift, end - start), line[start..end]);
    }

    // The packing's copies and col2im's additions run over rows a few hundred elements long that start anywhere
    // in a cache line. With 512-bit vectors most of those accesses straddle two lines, and on Zen 5 the packing and
    // scattering took four times as long as with 256-bit ones, so these loops stay at 256 bits. (Adding is exact
    // element by element: the width changes no bits.)

    /// <summary>target = source, in 256-bit vectors where the CPU has them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Copy<T>(ReadOnlySpan<T> source, Span<T> target) where T : unmanaged
    {
        if (!Vector256.IsHardwareAccelerated || source.Length < Vector256<T>.Count)
        {
            source.CopyTo(target);
            return;
        }
        ref T s = ref MemoryMarshal.GetReference(source);
        ref T t = ref MemoryMarshal.GetReference(target[..source.Length]);
        int width = Vector256<T>.Count, last = source.Length - width, i = 0;
        for (; i < last; i += width) Vector256.LoadUnsafe(ref s, (nuint)i).StoreUnsafe(ref t, (nuint)i);
        Vector256.LoadUnsafe(ref s, (nuint)last).StoreUnsafe(ref t, (nuint)last); // the tail, overlapping the last full vector
    }

    /// <summary>target[i] += source[i], in 256-bit vectors where the CPU has them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddTo<T>(Span<T> target, ReadOnlySpan<T> source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector256.IsHardwareAccelerated || source.Length < Vector256<T>.Count)
        {
            Simd.Zip(target, source, target, new AddOp());
            return;
        }
        ref T s = ref MemoryMarshal.GetReference(source);
        ref T t = ref MemoryMarshal.GetReference(target[..source.Length]);
        int width = Vector256<T>.Count, i = 0;
        for (; i + width <= source.Length; i += width)
            (Vector256.LoadUnsafe(ref t, (nuint)i) + Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        for (; i < source.Length; i++) Unsafe.Add(ref t, i) += Unsafe.Add(ref s, i);
    }

    /// <summary>target[ow] = source[x0 + ow], zero outside the source: the common case of stride 1, as a block copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyShifted<T>(ReadOnlySpan<T> source, int x0, Span<T> target) where T : unmanaged
    {
        int before = Math.Clamp(-x0, 0, target.Length);                          // outputs left of the image
        int inside = Math.Clamp(source.Length - Math.Max(x0, 0), 0, target.Length - before);
        target[..before].Clear();
        source.Slice(x0 + before, inside).CopyTo(target.Slice(before, inside));
        target[(before + inside)..].Clear();
    }

    /// <summary>The adjoint of <see cref="Pack"/>: each column element's gradient is added to the pixel it was read from (padding drops it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScatterAdd<T>(Conv2dGeometry g, T[] columnGrad, int column, int rowLength, int n, int group, T[] inputGrad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int row = 0;
        for (int c = 0; c < g.GroupInChannels; c++)
        {
            var plane = inputGrad.AsSpan(((n * g.InChannels) + group * g.GroupInChannels + c) * g.Height * g.Width, g.Height * g.Width);
            for (int i = 0; i < g.KernelHeight; i++)
                for (int j = 0; j < g.KernelWidth; j++, row++)
                {
                    var line = columnGrad.AsSpan(row * rowLength + column, g.OutPixels);
                    if (IsShiftedPlane(g)) { ScatterAddShifted(g, line, i, j, plane); continue; }
                    int x0 = -g.PadLeft + j * g.DilationWidth;
                    for (int oh = 0; oh < g.OutHeight; oh++)
                    {
                        int y = oh * g.StrideHeight - g.PadTop + i * g.DilationHeight;
                        if ((uint)y >= (uint)g.Height) continue;
                        var source = line.Slice(oh * g.OutWidth, g.OutWidth);
                        var target = plane.Slice(y * g.Width, g.Width);
                        if (g.StrideWidth == 1)
                        {
                            int before = Math.Clamp(-x0, 0, source.Length);
                            int inside = Math.Clamp(g.Width - Math.Max(x0, 0), 0, source.Length - before);
                            AddTo(target.Slice(x0 + before, inside), source.Slice(before, inside));
                        }
                        else
                            for (int ow = 0, x = x0; ow < source.Length; ow++, x += g.StrideWidth)
                                if ((uint)x < (uint)g.Width) target[x] += source[ow];
                    }
                }
        }
    }
}
