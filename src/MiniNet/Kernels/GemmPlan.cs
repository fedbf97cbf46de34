using System.Numerics;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>Which loop computes a product: the blocked GEMM, or one of the matrix–vector forms for thin shapes.</summary>
internal enum GemmPath
{
    /// <summary>Packed, cache-blocked GEMM with a register-blocked micro-kernel.</summary>
    Blocked,

    /// <summary>C[i, j] = A[i, :]·B[j, :] as dot products: op(A)'s rows and op(B)'s columns both lie along memory (B stored n×k), and C is narrow.</summary>
    RowDots,

    /// <summary>n = 1 and A's rows lie along memory: c[i] = A[i, :]·b.</summary>
    ColumnDots,

    /// <summary>m = 1 and B stored k×n: the row of C is Σ_p a[p]·B[p, :].</summary>
    RowCombination,

    /// <summary>n = 1 and A stored k×m: the column of C is Σ_p b[p]·(row p of A as stored).</summary>
    ColumnCombination,
}

/// <summary>
/// How one product is computed: its path, how C is cut into parts (rows or columns: <see cref="Part"/>), and how
/// many threads take those parts.
/// </summary>
internal readonly record struct GemmPlan(GemmPath Path, bool SplitRows, int Parts, int Extent, int Align, int Workers)
{
    // Below about this much work (2·m·n·k flops) a product runs on one thread: handing part of it to a helper costs
    // what it saves. Splitting costs little when the helper is asleep (the caller posts the parts, takes them all and
    // the late helper finds none) and halves the time when it is awake, since each thread packs its own copy of the
    // shared operand and WorthSplitting keeps products on one thread while the helpers start late. Measured on 2 cores
    // (median of 5 alternating rounds, AVX-512): splitting from 16.8 MFLOP made the batch-64 784-256-10 step 359 -> 265
    // µs (SGD) and 389 -> 311 µs (Adam); from 4.2 MFLOP (128³) made gemm128 80 -> 105 GFLOP/s (AVX2: 56 -> 76), the
    // other workloads unchanged. (Once, before per-thread packing, splitting that step's products made it slower:
    // 460 -> 640 µs.) The memory-bound matrix–vector paths gain from 2.4 MFLOP: 1×1500×800 took 42 µs on two threads
    // against 63. Queueing a helper costs the calling thread about a microsecond.
    private const long BlockedParallelMinFlops = 2L * 128 * 128 * 128;
    private const long ThinParallelMinFlops = 2L * 96 * 96 * 96;

    // C is cut into up to this many parts per thread, so that a thread slowed down by another process leaves its
    // share to the others, but no part is so small that taking it costs more than it computes (~10 µs of work).
    private const int PartsPerWorker = 4;
    private const long PartMinFlops = 2_000_000;

    // A narrow C (X·Wᵀ into 10 classes) wastes most of a 32-column micro-tile; dot products waste nothing there.
    private const int RowDotsMaxColumns = 16;

    public static GemmPlan For<T>(bool transposeA, bool transposeB, int m, int k, int n, int workers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmPath path;
        if (n == 1) path = !transposeA || m == 1 ? GemmPath.ColumnDots : GemmPath.ColumnCombination;
        else if (m == 1) path = transposeB ? GemmPath.RowDots : GemmPath.RowCombination;
        else if (!transposeA && transposeB && n <= RowDotsMaxColumns) path = GemmPath.RowDots;
        else path = GemmPath.Blocked;

        bool splitRows = path switch
        {
            GemmPath.ColumnDots or GemmPath.ColumnCombination => true,
            GemmPath.RowCombination => false,
            GemmPath.RowDots => m > 1,
            // The blocked path packs the operand it does not split once on every thread: share the smaller one.
            _ => m >= n,
        };
        int extent = splitRows ? m : n;

        // Every part is a rectangle of C computed start to finish by one thread, k in order: the bits of the
        // result cannot depend on the number of parts or on which thread takes which.
        long flops = 2L * m * n * k;
        if (workers <= 1 || flops < (path == GemmPath.Blocked ? BlockedParallelMinFlops : ThinParallelMinFlops)) return new GemmPlan(path, splitRows, 1, extent, extent, 1);
        int align = path == GemmPath.Blocked ? (splitRows ? KernelRows<T>() : KernelColumns<T>()) : 16;
        // Parts of whole micro-panels, as equal as they can be and as many for every thread: 256 rows in 6-row parts
        // of 36 left a last part of 4, and one thread 144 rows against 112 for the other.
        long wanted = Math.Clamp(flops / PartMinFlops, workers, (long)workers * PartsPerWorker) / workers * workers;
        int units = (extent + align - 1) / align;
        int parts = (int)Math.Min(wanted, units);
        return new GemmPlan(path, splitRows, parts, extent, align, Math.Min(workers, parts));
    }

    /// <summary>The range [Start, End) of rows (or columns) of C that part <paramref name="part"/> computes: whole multiples of Align, the last one clipped to the extent.</summary>
    public (int Start, int End) Part(int part)
    {
        int units = (Extent + Align - 1) / Align;
        int start = (int)((long)part * units / Parts) * Align, end = (int)((long)(part + 1) * units / Parts) * Align;
        return (start, Math.Min(end, Extent));
    }

    /// <summary>MR of the micro-kernel <see cref="GemmBlocked"/> picks for this hardware.</summary>
    public static int KernelRows<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.IsHardwareAccelerated ? 8 : 6;

    /// <summary>NR of the micro-kernel <see cref="GemmBlocked"/> picks for this hardware.</summary>
    public static int KernelColumns<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.IsHardwareAccelerated ? 2 * Vector512<T>.Count
        : Vector256.IsHardwareAccelerated ? 2 * Vector256<T>.Count
        : Vector128.IsHardwareAccelerated ? 2 * Vector128<T>.Count
        : 2;
}
