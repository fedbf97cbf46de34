using System.Numerics;

namespace MiniNet.Kernels;

/// <summary>
/// General matrix multiply on row-major storage: C (m×n) = op(A)·op(B), or C += op(A)·op(B).
/// Thin shapes (a single row or column of C, or a narrow C) go to matrix–vector loops; the rest to the packed,
/// cache-blocked GEMM of <see cref="GemmBlocked"/>. Every path computes each element of C on one thread, k in
/// order and in blocks whose sums are added in double (<see cref="GemmDepth"/>: a float weight gradient over a million
/// rows stays within float rounding), so the bits of the result never depend on the number of threads or on how the
/// work was shared.
/// </summary>
internal static class Gemm
{
    /// <summary>
    /// C = op(A)·op(B) (or C += … when <paramref name="accumulate"/>), where op(A) is m×k and op(B) is k×n.
    /// A is stored m×k, or k×m when <paramref name="transposeA"/>; B is k×n, or n×k when <paramref name="transposeB"/>.
    /// Large products are split across one thread per core, when the helper threads answer quickly enough to pay.
    /// </summary>
    public static void Multiply<T>(ReadOnlyMemory<T> a, bool transposeA, ReadOnlyMemory<T> b, bool transposeB, Memory<T> c,
        int m, int k, int n, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        Multiply(a, transposeA, b, transposeB, c, m, k, n, accumulate,
            GemmWorkers.WorthSplitting(2L * m * n * k) ? Parallelism.MaxThreads : 1);

    /// <summary>As the overload without <paramref name="maxWorkers"/>, on at most that many threads (tests compare 1 with several).</summary>
    internal static void Multiply<T>(ReadOnlyMemory<T> a, bool transposeA, ReadOnlyMemory<T> b, bool transposeB, Memory<T> c,
        int m, int k, int n, bool accumulate, int maxWorkers) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSizes(a.Length, b.Length, c.Length, m, k, n);
        if (IsTrivial(c.Span, m, k, n, accumulate)) return;
        var plan = GemmPlan.For<T>(transposeA, transposeB, m, k, n, maxWorkers);
        if (plan.Parts == 1)
        {
            Compute(new GemmProblem<T>(a.Span, transposeA, b.Span, transposeB, c.Span, m, k, n, accumulate), plan);
            return;
        }
        if (plan.Path != GemmPath.Blocked)
        {
            GemmJob<T>.Run(plan, a, transposeA, b, transposeB, c, m, k, n, accumulate, 0, 0);
            return;
        }
        int chunk = GemmBlocked.ChunkSize<T>(plan.SplitRows, m, k, n);
        for (int chunkStart = 0; chunkStart < (plan.SplitRows ? n : m); chunkStart += chunk)
            GemmJob<T>.Run(plan, a, transposeA, b, transposeB, c, m, k, n, accumulate, chunkStart, chunk);
    }

    /// <summary>
    /// C = op(A)·op(B) (or C += … when <paramref name="accumulate"/>), as the <see cref="Memory{T}"/> overload,
    /// but always on the calling thread (spans cannot be handed to other threads).
    /// </summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, bool transposeA, ReadOnlySpan<T> b, bool transposeB, Span<T> c,
        int m, int k, int n, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSizes(a.Length, b.Length, c.Length, m, k, n);
        if (IsTrivial(c, m, k, n, accumulate)) return;
        Compute(new GemmProblem<T>(a, transposeA, b, transposeB, c, m, k, n, accumulate), GemmPlan.For<T>(transposeA, transposeB, m, k, n, workers: 1));
    }

    private static void CheckSizes(int aLength, int bLength, int cLength, int m, int k, int n)
    {
        if (m < 0 || k < 0 || n < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"Gemm: dimensions m={m}, k={k}, n={n} must not be negative.");
        if (aLength < (long)m * k || bLength < (long)k * n || cLength < (long)m * n)
            throw new ArgumentException($"Gemm: an {m}×{k} by {k}×{n} product needs A, B and C of at least {(long)m * k}, {(long)k * n} and {(long)m * n} elements, not {aLength}, {bLength} and {cLength}.");
    }

    /// <summary>An empty C, or an empty sum (k = 0: C = 0, or C unchanged when accumulating).</summary>
    private static bool IsTrivial<T>(Span<T> c, int m, int k, int n, bool accumulate) where T : unmanaged
    {
        if (m == 0 || n == 0) return true;
        if (k != 0) return false;
        if (!accumulate) c[..(m * n)].Clear();
        return true;
    }

    /// <summary>The whole product on the calling thread.</summary>
    private static void Compute<T>(in GemmProblem<T> p, GemmPlan plan) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (plan.Path != GemmPath.Blocked)
        {
            ComputeThin(plan.Path, p, 0, p.M, 0, p.N);
            return;
        }
        int chunk = GemmBlocked.ChunkSize<T>(plan.SplitRows, p.M, p.K, p.N);
        var shared = GemmBuffers<T>.ForThisThread().Shared(GemmBlocked.SharedLength(chunk, p.K));
        for (int chunkStart = 0; chunkStart < (plan.SplitRows ? p.N : p.M); chunkStart += chunk)
        {
            GemmBlocked.PackShared(p, plan.SplitRows, chunkStart, chunk, shared);
            GemmBlocked.Part(p, plan.SplitRows, chunkStart, chunk, shared, 0, plan.SplitRows ? p.M : p.N);
        }
    }

    /// <summary>The block C[rowStart..rowEnd, columnStart..columnEnd] of the product by one of the matrix–vector paths.</summary>
    internal static void ComputeThin<T>(GemmPath path, in GemmProblem<T> p, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (path)
        {
            case GemmPath.ColumnDots: // one column of C: c[i] = A[i, :]·b
                Gemv.Dots(p.A, p.K, p.B, p.C, rowStart, rowEnd, p.Accumulate);
                break;
            case GemmPath.RowDots: // each row of C: C[i, j] = A[i, :]·B[j, :] with B stored n×k
                for (int i = rowStart; i < rowEnd; i++)
                    Gemv.Dots(p.B, p.K, p.A.Slice(i * p.K, p.K), p.C.Slice(i * p.N, p.N), columnStart, columnEnd, p.Accumulate);
                break;
            case GemmPath.RowCombination: // one row of C: c = Σ_p a[p]·B[p, :]
                Gemv.CombineRows(p.B, p.K, p.N, p.A, p.C, columnStart, columnEnd, p.Accumulate);
                break;
            case GemmPath.ColumnCombination: // one column of C: c = Σ_p b[p]·A[p, :] with A stored k×m
                Gemv.CombineRows(p.A, p.K, p.M, p.B, p.C, rowStart, rowEnd, p.Accumulate);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(path), path, "Gemm: the blocked path is not a matrix–vector path.");
        }
    }

    /// <summary>Writes the transpose of a rows×cols row-major matrix into <paramref name="destination"/> (cols×rows), in cache-sized tiles.</summary>
    public static void Transpose<T>(ReadOnlySpan<T> source, Span<T> destination, int rows, int cols) where T : unmanaged
    {
        const int tile = 32;
        for (int r0 = 0; r0 < rows; r0 += tile)
        for (int c0 = 0; c0 < cols; c0 += tile)
        {
            int rEnd = Math.Min(rows, r0 + tile), cEnd = Math.Min(cols, c0 + tile);
            for (int r = r0; r < rEnd; r++)
            for (int col = c0; col < cEnd; col++)
                destination[col * rows + r] = source[r * cols + col];
        }
    }
}

/// <summary>The operands of one product, as spans: C (m×n) = op(A)·op(B), or C += … when <see cref="Accumulate"/>.</summary>
internal readonly ref struct GemmProblem<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly ReadOnlySpan<T> A, B;
    public readonly Span<T> C;
    public readonly bool TransposeA, TransposeB, Accumulate;
    public readonly int M, K, N;

    public GemmProblem(ReadOnlySpan<T> a, bool transposeA, ReadOnlySpan<T> b, bool transposeB, Span<T> c, int m, int k, int n, bool accumulate)
    {
        A = a;
        B = b;
        C = c;
        (TransposeA, TransposeB, Accumulate, M, K, N) = (transposeA, transposeB, accumulate, m, k, n);
    }
}
