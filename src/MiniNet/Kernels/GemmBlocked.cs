using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// The packed, cache-blocked GEMM (GotoBLAS/BLIS). One operand is "shared" by all the parts: packed for all of k, once
/// by each thread that computes parts, into a buffer of its own (cheaper than taking lines another core has read back
/// into this core's cache); C is cut along the other operand's dimension into parts, and each part packs its own slice
/// of that operand block by block. With C cut into rows, B is shared (each part packs the A rows it owns); with C cut
/// into columns, A is shared. No part packs what another part packs, so C can be cut finely and parts handed out
/// dynamically, which keeps both cores busy even when another process takes one of them for a while.
/// </summary>
internal static class GemmBlocked
{
    // KC: a B micro-panel (KC×NR) stays in L1 while the kernel sweeps the A micro-panels past it: 256 floats × 32
    // columns = 32 KiB of a 48 KiB L1 (128 doubles × 16). MC: the packed A block (MC×KC) stays in L2, 256 KiB of it.
    // NC: the packed B panel a column part owns (KC×NC) also stays in L2 (256 KiB).
    private const int DepthBlockBytes = 1024;
    private const int RowBlockBytes = 256 * 1024;
    private const int ColumnBlockBytes = 256 * 1024;

    // A shared B is packed for all of k at once; beyond this many elements (4 MiB of floats) it is packed and used
    // one chunk of columns at a time.
    private const int SharedElementsMax = 1 << 20;

    // When k takes several groups of blocks, a part keeps the totals of an A block's rows × the chunk's columns in
    // double (GemmDepth): chunks of at most this many columns bound them to 2 MiB.
    private const int TotalColumnsMax = 1024;

    public static int DepthBlock<T>() where T : unmanaged => DepthBlockBytes / Unsafe.SizeOf<T>();

    /// <summary>Rows of C per shared-A chunk (a multiple of MR), or columns per shared-B chunk (a multiple of NR).</summary>
    public static int ChunkSize<T>(bool splitRows, int m, int k, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!splitRows) // A is shared: its chunk is the A block of the macro-kernel, sized for L2.
            return Math.Min(RoundUp(m, GemmPlan.KernelRows<T>()), RowBlock<T>(GemmPlan.KernelRows<T>()));
        int nr = GemmPlan.KernelColumns<T>();
        int columns = Math.Min(RoundUp(n, nr), Math.Max(nr, SharedElementsMax / k / nr * nr));
        return GemmDepth.NeedsTotals(DepthBlock<T>(), k) ? Math.Min(columns, TotalColumnsMax) : columns;
    }

    private static int RowBlock<T>(int mr) where T : unmanaged => Math.Max(mr, RowBlockBytes / DepthBlockBytes / mr * mr);

    private static int ColumnBlock<T>(int nr) where T : unmanaged => Math.Max(nr, ColumnBlockBytes / DepthBlockBytes / nr * nr);

    /// <summary>Elements the shared operand of one chunk occupies when packed: every k, padded to whole micro-panels.</summary>
    public static int SharedLength(int chunk, int k) => chunk * k;

    /// <summary>
    /// Packs the shared operand of the chunk [chunkStart, chunkStart + chunk) — columns of op(B) when C is cut into
    /// rows, rows of op(A) otherwise — for every block of k, one after another.
    /// </summary>
    public static void PackShared<T>(in GemmProblem<T> p, bool splitRows, int chunkStart, int chunk, Span<T> shared)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int kcMax = DepthBlock<T>();
        int extent = splitRows ? Math.Min(chunk, p.N - chunkStart) : Math.Min(chunk, p.M - chunkStart);
        for (int pc = 0; pc < p.K; pc += kcMax)
        {
            int kc = Math.Min(kcMax, p.K - pc);
            var block = shared.Slice(pc * chunk, kc * chunk);
            if (splitRows)
                GemmPacking.PackB(p.B, p.TransposeB, p.K, p.N, pc, kc, chunkStart, extent, GemmPlan.KernelColumns<T>(), block);
            else
                GemmPacking.PackA(p.A, p.TransposeA, p.M, p.K, chunkStart, extent, pc, kc, GemmPlan.KernelRows<T>(), block);
        }
    }

    /// <summary>
    /// One part of C: rows [start, end) of the chunk's columns when <paramref name="splitRows"/> (B shared), else
    /// columns [start, end) of the chunk's rows (A shared). Packs its own slice of the other operand. Each macro-kernel
    /// call is one block of k, summed as <see cref="GemmDepth"/> says.
    /// </summary>
    public static void Part<T>(in GemmProblem<T> p, bool splitRows, int chunkStart, int chunk, ReadOnlySpan<T> shared, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
            Part<T, Kernel8x2<T, Vector512<T>, Lanes512<T>>>(p, splitRows, chunkStart, chunk, shared, start, end);
        else if (Vector256.IsHardwareAccelerated)
            Part<T, Kernel6x2<T, Vector256<T>, Lanes256<T>>>(p, splitRows, chunkStart, chunk, shared, start, end);
        else if (Vector128.IsHardwareAccelerated)
            Part<T, Kernel6x2<T, Vector128<T>, Lanes128<T>>>(p, splitRows, chunkStart, chunk, shared, start, end);
        else
            Part<T, Kernel6x2<T, T, Lanes1<T>>>(p, splitRows, chunkStart, chunk, shared, start, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Part<T, TKernel>(in GemmProblem<T> p, bool splitRows, int chunkStart, int chunk, ReadOnlySpan<T> shared, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : struct, IMicroKernel<T>
    {
        int mr = TKernel.Rows, nr = TKernel.Columns, kcMax = DepthBlock<T>();
        Span<T> tile = stackalloc T[mr * nr];
        ref T c = ref MemoryMarshal.GetReference(p.C);
        if (splitRows)
        {
            // B is shared: walk the part's rows an A block at a time, and for each block of k pack it and sweep
            // the chunk's columns. The C block of these rows takes k's blocks back to back while it is warm.
            int columns = Math.Min(chunk, p.N - chunkStart);
            int mcMax = RowBlock<T>(mr);
            int blockRows = Math.Min(mcMax, RoundUp(end - start, mr));
            var buffers = GemmBuffers<T>.ForThisThread();
            var packedA = buffers.Private(blockRows * Math.Min(kcMax, p.K));
            int ldTotal = RoundUp(columns, nr);
            ref double total = ref MemoryMarshal.GetReference(GemmDepth.NeedsTotals(kcMax, p.K) ? buffers.Totals(blockRows * ldTotal) : default);
            for (int ic = start; ic < end; ic += mcMax)
            {
                int mc = Math.Min(mcMax, end - ic);
                for (int pc = 0; pc < p.K; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, p.K - pc);
                    GemmPacking.PackA(p.A, p.TransposeA, p.M, p.K, ic, mc, pc, kc, mr, packedA);
                    Block<T, TKernel>(p, pc, packedA, shared.Slice(pc * chunk), kc, mc, columns, ref Unsafe.Add(ref c, (nint)ic * p.N + chunkStart),
                        ref total, ldTotal, tile);
                }
            }
        }
        else
        {
            // A is shared: walk the part's columns a B panel at a time, packing it for each block of k.
            int rows = Math.Min(chunk, p.M - chunkStart);
            int ncMax = ColumnBlock<T>(nr);
            int panelColumns = Math.Min(ncMax, RoundUp(end - start, nr));
            var buffers = GemmBuffers<T>.ForThisThread();
            var packedB = buffers.Private(panelColumns * Math.Min(kcMax, p.K));
            ref double total = ref MemoryMarshal.GetReference(GemmDepth.NeedsTotals(kcMax, p.K) ? buffers.Totals(RoundUp(rows, mr) * panelColumns) : default);
            for (int jc = start; jc < end; jc += ncMax)
            {
                int nc = Math.Min(ncMax, end - jc);
                for (int pc = 0; pc < p.K; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, p.K - pc);
                    GemmPacking.PackB(p.B, p.TransposeB, p.K, p.N, pc, kc, jc, nc, nr, packedB);
                    Block<T, TKernel>(p, pc, shared.Slice(pc * chunk), packedB, kc, rows, nc, ref Unsafe.Add(ref c, (nint)chunkStart * p.N + jc),
                        ref total, panelColumns, tile);
                }
            }
        }
    }

    /// <summary>The block of k starting at <paramref name="depthStart"/>, ended as <see cref="GemmDepth"/> says.</summary>
    private static void Block<T, TKernel>(in GemmProblem<T> p, int depthStart, ReadOnlySpan<T> packedA, ReadOnlySpan<T> packedB,
        int kc, int rows, int columns, ref T c, ref double total, int ldTotal, Span<T> tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : struct, IMicroKernel<T>
    {
        int block = DepthBlock<T>();
        var step = GemmDepth.Step(depthStart, block, p.K);
        if (step == DepthStep.Only)
        {
            MacroKernel<T, TKernel>(packedA, packedB, kc, rows, columns, ref c, p.N, p.Accumulate, tile);
            return;
        }
        bool addToC = GemmDepth.AddsToC(depthStart, block, p.Accumulate);
        if (step == DepthStep.Keep && !addToC) // the first block of a group: its chains from zero, stored as they are
            MacroKernel<T, TKernel>(packedA, packedB, kc, rows, columns, ref c, p.N, addToC: false, tile);
        else
            MacroKernel<T, TKernel>(packedA, packedB, kc, rows, columns, ref c, p.N, addToC, step, ref total, ldTotal, tile);
    }

    /// <summary>
    /// C[rows, columns] (+)= packed A block · packed B panel for one block of k, one chain per element from C (or
    /// zero). The B micro-panel of the outer loop stays in L1 while the inner loop brings the A micro-panels from L2.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel<T, TKernel>(ReadOnlySpan<T> packedA, ReadOnlySpan<T> packedB, int kc, int rows, int columns,
        ref T c, int ldc, bool addToC, Span<T> tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : struct, IMicroKernel<T> =>
        Tiles<T, TKernel>(packedA, packedB, kc, rows, columns, ref c, ldc, addToC, DepthStep.Only, ref Unsafe.NullRef<double>(), 0, tile);

    /// <summary>
    /// The same for one of several blocks of k, chains from zero: each tile ends the block as <paramref name="addToC"/>
    /// and <paramref name="step"/> say, in C or the totals (row stride <paramref name="ldTotal"/>, padded to whole
    /// tiles), while its registers still hold it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel<T, TKernel>(ReadOnlySpan<T> packedA, ReadOnlySpan<T> packedB, int kc, int rows, int columns,
        ref T c, int ldc, bool addToC, DepthStep step, ref double total, int ldTotal, Span<T> tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : struct, IMicroKernel<T> =>
        Tiles<T, TKernel>(packedA, packedB, kc, rows, columns, ref c, ldc, addToC, step, ref total, ldTotal, tile);

    // One body for both, each compiled on its own: with the step Only the totals vanish from the loop short products run.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tiles<T, TKernel>(ReadOnlySpan<T> packedA, ReadOnlySpan<T> packedB, int kc, int rows, int columns,
        ref T c, int ldc, bool addToC, DepthStep step, ref double total, int ldTotal, Span<T> tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : struct, IMicroKernel<T>
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        ref T a = ref MemoryMarshal.GetReference(packedA);
        ref T b = ref MemoryMarshal.GetReference(packedB);
        for (int jr = 0; jr < columns; jr += nr)
        {
            ref T bPanel = ref Unsafe.Add(ref b, (nint)jr * kc);
            int width = Math.Min(nr, columns - jr);
            for (int ir = 0; ir < rows; ir += mr)
            {
                ref T aPanel = ref Unsafe.Add(ref a, (nint)ir * kc);
                ref T cTile = ref Unsafe.Add(ref c, (nint)ir * ldc + jr);
                int height = Math.Min(mr, rows - ir);
                if (height == mr && width == nr)
                {
                    if (step == DepthStep.Only)
                        TKernel.Run(kc, ref aPanel, ref bPanel, ref cTile, ldc, addToC);
                    else
                        TKernel.RunBlock(kc, ref aPanel, ref bPanel, ref cTile, ldc, addToC, step, ref Unsafe.Add(ref total, (nint)ir * ldTotal + jr), ldTotal);
                }
                else if (step == DepthStep.Only)
                    EdgeTile<T, TKernel>(kc, ref aPanel, ref bPanel, ref cTile, ldc, addToC, height, width, tile);
                else
                    EdgeTile<T, TKernel>(kc, ref aPanel, ref bPanel, ref cTile, ldc, addToC, step, ref Unsafe.Add(ref total, (nint)ir * ldTotal + jr), ldTotal, height, width, tile);
            }
        }
    }

    /// <summary>A partial tile at the bottom or right edge: the kernel runs on a full-size scratch tile and only the valid part reaches C.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EdgeTile<T, TKernel>(int depth, ref T aPanel, ref T bPanel, ref T c, int ldc, bool addToC,
        int rows, int columns, Span<T> tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : struct, IMicroKernel<T> =>
        Edge<T, TKernel>(depth, ref aPanel, ref bPanel, ref c, ldc, addToC, DepthStep.Only, ref Unsafe.NullRef<double>(), 0, rows, columns, tile);

    /// <summary>The same for one of several blocks of k; the totals are padded to whole tiles, so the kernel keeps them in place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EdgeTile<T, TKernel>(int depth, ref T aPanel, ref T bPanel, ref T c, int ldc, bool addToC,
        DepthStep step, ref double total, int ldTotal, int rows, int columns, Span<T> tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : struct, IMicroKernel<T> =>
        Edge<T, TKernel>(depth, ref aPanel, ref bPanel, ref c, ldc, addToC, step, ref total, ldTotal, rows, columns, tile);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Edge<T, TKernel>(int depth, ref T aPanel, ref T bPanel, ref T c, int ldc, bool addToC,
        DepthStep step, ref double total, int ldTotal, int rows, int columns, Span<T> tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : struct, IMicroKernel<T>
    {
        int nr = TKernel.Columns;
        if (addToC)
            for (int r = 0; r < rows; r++)
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref c, (nint)r * ldc), columns).CopyTo(tile.Slice(r * nr, columns));
        if (step == DepthStep.Only)
            TKernel.Run(depth, ref aPanel, ref bPanel, ref MemoryMarshal.GetReference(tile), nr, addToC);
        else
            TKernel.RunBlock(depth, ref aPanel, ref bPanel, ref MemoryMarshal.GetReference(tile), nr, addToC, step, ref total, ldTotal);
        if (step is DepthStep.Only or DepthStep.Keep or DepthStep.Close)
            for (int r = 0; r < rows; r++)
                tile.Slice(r * nr, columns).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref c, (nint)r * ldc), columns));
    }

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}

/// <summary>
/// Each thread's packing buffers, kept between calls so that a warm product allocates nothing: the shared operand
/// a thread packs for all the parts it takes, the block it packs for the part it is computing (on the matrix–vector
/// paths, the sums of one block of k), and the totals in double of that part's C when k takes several groups of
/// blocks (<see cref="GemmDepth"/>).
/// </summary>
internal sealed class GemmBuffers<T> where T : unmanaged
{
    [ThreadStatic] private static GemmBuffers<T>? t_buffers;

    private T[] _shared = [];
    private T[] _private = [];
    private double[] _totals = [];

    public static GemmBuffers<T> ForThisThread() => t_buffers ??= new GemmBuffers<T>();

    /// <summary>The buffer for the shared operand, at least <paramref name="length"/> long.</summary>
    public T[] Shared(int length)
    {
        if (_shared.Length < length) _shared = GC.AllocateUninitializedArray<T>(length);
        return _shared;
    }

    /// <summary>The private buffer, at least <paramref name="length"/> long.</summary>
    public Span<T> Private(int length)
    {
        if (_private.Length < length) _private = GC.AllocateUninitializedArray<T>(length);
        return _private;
    }

    /// <summary>The totals buffer, at least <paramref name="length"/> long; the first group of blocks writes it before any reads it.</summary>
    public Span<double> Totals(int length)
    {
        if (_totals.Length < length) _totals = GC.AllocateUninitializedArray<double>(length);
        return _totals;
    }
}
