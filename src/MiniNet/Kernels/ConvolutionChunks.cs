using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MiniNet.Ops;

namespace MiniNet.Kernels;

/// <summary>
/// One convolution pass over a batch, cut into the chunks of <see cref="Convolution.ImagesPerChunk"/>: a
/// <see cref="RowJob"/> whose rows are chunks, so each chunk is packed, multiplied and unpacked by one thread with its own
/// scratch, and the threads meet once per pass rather than once per product. A batch of one chunk runs on the calling
/// thread and lets its products use the helper threads instead. One object per thread is reused.
/// </summary>
internal sealed class ConvolutionChunks<T> : IRowRange where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic] private static ConvolutionChunks<T>? t_free;

    private Conv2dGeometry _g = null!;
    private T[] _input = null!, _weight = null!;
    private T[]? _bias, _output;                                // forward
    private T[]? _gradOutput, _inputGrad, _weightGradTarget;    // backward; the target is dW itself or the chunks' partials
    private bool _backward, _accumulateWeight;
    private int _chunk, _chunks;

    /// <summary>This thread's object (a new one if a convolution nested inside another holds it).</summary>
    public static ConvolutionChunks<T> Reused()
    {
        var chunks = t_free ?? new ConvolutionChunks<T>();
        t_free = null;
        return chunks;
    }

    /// <summary>y = W ⋆ x + b (see <see cref="Convolution.Forward{T}"/>).</summary>
    public void Forward(Conv2dGeometry g, T[] input, T[] weight, T[]? bias, T[] output)
    {
        (_g, _input, _weight, _bias, _output, _backward) = (g, input, weight, bias, output, false);
        Run();
    }

    /// <summary>dx and dW (see <see cref="Convolution.Backward{T}"/>); a batch of several chunks sums dW's partials in chunk order, in double.</summary>
    public void Backward(Conv2dGeometry g, T[] input, T[] weight, T[] gradOutput, T[]? inputGrad, T[]? weightGrad, bool weightAccumulate)
    {
        (_g, _input, _weight, _gradOutput, _inputGrad, _backward) = (g, input, weight, gradOutput, inputGrad, true);
        int chunks = Convolution.ChunkCount(g);
        T[]? partials = weightGrad is not null && chunks > 1 ? ArrayPool<T>.Shared.Rent(chunks * weight.Length) : null;
        (_weightGradTarget, _accumulateWeight) = (partials ?? weightGrad, weightAccumulate);
        Run();
        if (partials is not null)
        {
            AddPartials(partials, chunks, weightGrad!, weightAccumulate);
            ArrayPool<T>.Shared.Return(partials);
        }
    }

    private void Run()
    {
        (_chunk, _chunks) = (Convolution.ImagesPerChunk(_g), Convolution.ChunkCount(_g));
        long flops = 2L * _g.Batch * _g.OutPixels * _g.ColumnRows * _g.OutChannels * (_backward ? 2 : 1);
        try
        {
            RowJob.Run(this, _chunks, flops / 10); // RowJob counts ~10 flops an element
        }
        finally
        {
            (_input, _weight, _bias, _output, _gradOutput, _inputGrad, _weightGradTarget) = (null!, null!, null, null, null, null, null);
            t_free = this;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void IRowRange.Run(int start, int end)
    {
        int pixels = _g.OutPixels, span = _chunk * pixels;
        var columns = ArrayPool<T>.Shared.Rent(_g.ColumnRows * span);        // the packed input, or the columns' gradient
        var outputs = ArrayPool<T>.Shared.Rent(_g.GroupOutChannels * span);  // the product, or G gathered
        try
        {
            for (int chunk = start; chunk < end; chunk++)
            {
                int first = chunk * _chunk, images = Math.Min(_chunk, _g.Batch - first);
                for (int group = 0; group < _g.Groups; group++)
                    if (_backward) BackwardChunk(chunk, first, images, group, columns, outputs);
                    else ForwardChunk(first, images, group, columns, outputs);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(columns);
            ArrayPool<T>.Shared.Return(outputs);
        }
    }

    /// <summary>product = b + W[group]·columns, then each image's block to its channels of y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardChunk(int first, int images, int group, T[] columns, T[] product)
    {
        var g = _g;
        int pixels = g.OutPixels, rows = g.ColumnRows, groupOut = g.GroupOutChannels, width = images * pixels;
        for (int image = 0; image < images; image++) Convolution.Pack(g, _input, first + image, group, columns, image * pixels, width);
        // Each element is the bias plus its sum, as the GEMM adds a sum to what C holds.
        if (_bias is not null)
            for (int c = 0; c < groupOut; c++) product.AsSpan(c * width, width).Fill(_bias[group * groupOut + c]);
        Multiply(_weight, group * groupOut * rows, false, columns, false, product, 0, groupOut, rows, width, accumulate: _bias is not null);
        for (int image = 0; image < images; image++)
            for (int c = 0; c < groupOut; c++)
                product.AsSpan(c * width + image * pixels, pixels).CopyTo(_output.AsSpan(((first + image) * g.OutChannels + group * groupOut + c) * pixels, pixels));
    }

    /// <summary>G gathered to [groupOut, width]; dW's part G·columnsᵀ; the columns' gradient W[group]ᵀ·G scattered onto dx.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardChunk(int chunk, int first, int images, int group, T[] columns, T[] gathered)
    {
        var g = _g;
        int pixels = g.OutPixels, rows = g.ColumnRows, groupOut = g.GroupOutChannels, width = images * pixels;
        int weightOffset = group * groupOut * rows;
        for (int image = 0; image < images; image++)
            for (int c = 0; c < groupOut; c++)
                _gradOutput.AsSpan(((first + image) * g.OutChannels + group * groupOut + c) * pixels, pixels).CopyTo(gathered.AsSpan(c * width + image * pixels, pixels));
        if (_weightGradTarget is not null) // ([groupOut, width]·[width, rows])
        {
            for (int image = 0; image < images; image++) Convolution.Pack(g, _input, first + image, group, columns, image * pixels, width);
            bool direct = _chunks == 1; // one chunk: straight into dW; several: into the chunk's own partial
            Multiply(gathered, 0, false, columns, true, _weightGradTarget, (direct ? 0 : chunk * _weight.Length) + weightOffset,
                groupOut, width, rows, accumulate: direct && _accumulateWeight);
        }
        if (_inputGrad is not null) // ([rows, groupOut]·[groupOut, width]), then col2im
        {
            Multiply(_weight, weightOffset, true, gathered, false, columns, 0, rows, groupOut, width, accumulate: false);
            if (group == 0) WriteTouchPages(_inputGrad.AsSpan(first * g.InChannels * g.Height * g.Width, images * g.InChannels * g.Height * g.Width));
            for (int image = 0; image < images; image++) Convolution.ScatterAdd(g, columns, image * pixels, width, first + image, group, _inputGrad);
        }
    }

    /// <summary>
    /// Writes each memory page of <paramref name="region"/> once, leaving its values as they are. A new gradient buffer
    /// usually lies on pages the OS has not given the process yet; col2im reads before it writes, so each such page
    /// took two faults, and the second one swapped out the shared zero page, which stops the other core to flush its
    /// TLB (in a VM, an exit on both cores). An atomic add of zero is a write: one fault, nothing to flush.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteTouchPages(Span<T> region)
    {
        if (region.IsEmpty) return;
        int step = Math.Max(1, Environment.SystemPageSize / Unsafe.SizeOf<T>());
        ref T start = ref MemoryMarshal.GetReference(region);
        for (int i = 0; i < region.Length; i += step) Interlocked.Add(ref Unsafe.As<T, int>(ref Unsafe.Add(ref start, i)), 0);
        Interlocked.Add(ref Unsafe.As<T, int>(ref Unsafe.Add(ref start, region.Length - 1)), 0);
    }

    /// <summary>C = op(A)·op(B) (m×k by k×n), A and C from the given offsets: on the helper threads too when the batch is one chunk, else on this thread.</summary>
    private void Multiply(T[] a, int aOffset, bool transposeA, T[] b, bool transposeB, T[] c, int cOffset, int m, int k, int n, bool accumulate)
    {
        if (_chunks == 1)
            Gemm.Multiply<T>(a.AsMemory(aOffset, m * k), transposeA, b.AsMemory(0, k * n), transposeB, c.AsMemory(cOffset, m * n), m, k, n, accumulate);
        else
            Gemm.Multiply<T>(a.AsSpan(aOffset, m * k), transposeA, b.AsSpan(0, k * n), transposeB, c.AsSpan(cOffset, m * n), m, k, n, accumulate);
    }

    /// <summary>dW (+)= Σ_chunk partial[chunk], each element's terms added in chunk order in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPartials(T[] partials, int chunks, T[] weightGrad, bool accumulate)
    {
        int length = weightGrad.Length;
        var rented = ArrayPool<double>.Shared.Rent(length);
        var total = rented.AsSpan(0, length);
        for (int chunk = 0; chunk < chunks; chunk++) AddWidened(partials.AsSpan(chunk * length, length), total, add: chunk > 0);
        for (int e = 0; e < length; e++)
            weightGrad[e] = accumulate ? weightGrad[e] + T.CreateTruncating(total[e]) : T.CreateTruncating(total[e]);
        ArrayPool<double>.Shared.Return(rented);
    }

    /// <summary>
    /// total[e] = partial[e] in double, or total[e] += it when <paramref name="add"/>: element by element, so 256-bit
    /// vectors give the scalar loop's bits (widening a float is exact). The caller runs this alone, after the chunks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddWidened(ReadOnlySpan<T> partial, Span<double> total, bool add)
    {
        int e = 0;
        ref double t = ref MemoryMarshal.GetReference(total);
        if (Vector256.IsHardwareAccelerated && typeof(T) == typeof(float))
        {
            ref float p = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<T, float>(partial));
            for (; e + Vector256<float>.Count <= partial.Length; e += Vector256<float>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref p, (nuint)e));
                int half = Vector256<double>.Count;
                if (add) (low, high) = (Vector256.LoadUnsafe(ref t, (nuint)e) + low, Vector256.LoadUnsafe(ref t, (nuint)(e + half)) + high);
                low.StoreUnsafe(ref t, (nuint)e);
                high.StoreUnsafe(ref t, (nuint)(e + half));
            }
        }
        else if (Vector256.IsHardwareAccelerated && typeof(T) == typeof(double))
        {
            ref double p = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<T, double>(partial));
            for (; e + Vector256<double>.Count <= partial.Length; e += Vector256<double>.Count)
            {
                var value = Vector256.LoadUnsafe(ref p, (nuint)e);
                if (add) value = Vector256.LoadUnsafe(ref t, (nuint)e) + value;
                value.StoreUnsafe(ref t, (nuint)e);
            }
        }
        for (; e < partial.Length; e++) total[e] = add ? total[e] + double.CreateTruncating(partial[e]) : double.CreateTruncating(partial[e]);
    }
}
