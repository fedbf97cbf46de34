using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>General matrix multiply on row-major spans: C (m×n) = op(A)·op(B), or C += op(A)·op(B).</summary>
internal static class Gemm
{
    /// <summary>
    /// C = op(A)·op(B) (or C += … when <paramref name="accumulate"/>), where op(A) is m×k and op(B) is k×n.
    /// A is stored m×k, or k×m when <paramref name="transposeA"/>; B is k×n, or n×k when <paramref name="transposeB"/>.
    /// </summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, bool transposeA, ReadOnlySpan<T> b, bool transposeB, Span<T> c,
        int m, int k, int n, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!accumulate) c[..(m * n)].Clear();
        if (m == 0 || n == 0 || k == 0) return;
        T[]? aCopy = null, bCopy = null;
        if (transposeA) a = aCopy = Transposed(a, k, m);
        if (transposeB) b = bCopy = Transposed(b, n, k);
        // Row by row: C[i, :] += A[i, p] · B[p, :], each an axpy over a contiguous row of B.
        for (int i = 0; i < m; i++)
        {
            var cRow = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                Axpy(a[i * k + p], b.Slice(p * n, n), cRow);
            }
        }
    }

    /// <summary>y += alpha·x.</summary>
    private static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(alpha);
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                VectorMath.MultiplyAdd(va, Vector512.LoadUnsafe(ref xs, i), Vector512.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ys, i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(alpha);
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                VectorMath.MultiplyAdd(va, Vector256.LoadUnsafe(ref xs, i), Vector256.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ys, i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var va = Vector128.Create(alpha);
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
                VectorMath.MultiplyAdd(va, Vector128.LoadUnsafe(ref xs, i), Vector128.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ys, i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref ys, i) = VectorMath.MultiplyAdd(alpha, Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i));
    }

    /// <summary>The transpose of a rows×cols row-major matrix, as a new cols×rows array.</summary>
    private static T[] Transposed<T>(ReadOnlySpan<T> source, int rows, int cols) where T : unmanaged
    {
        var result = GC.AllocateUninitializedArray<T>(rows * cols);
        Transpose(source, result, rows, cols);
        return result;
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
