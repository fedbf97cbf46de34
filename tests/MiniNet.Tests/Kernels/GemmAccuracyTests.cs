using MiniNet.Kernels;
using MiniNet.Layers;

namespace MiniNet.Tests.Kernels;

/// <summary>
/// Sums over a long inner dimension. A Dense weight's gradient over N rows is a GEMM with k = N (Linear's dW = Gᵀ·x),
/// and it must stay within float32's rounding however large N is, on every GEMM path, with the same bits on one thread
/// and several.
/// </summary>
/// <remarks>
/// The bound. Every path sums k in blocks (<see cref="GemmDepth"/>): no float chain of an element runs more than
/// L = 256 steps, the blocks' sums are added in double (over a million rows, 4,096 blocks, that costs less than 1e-12)
/// and the total is rounded to float once (u = 2⁻²⁴ ≈ 6e-8). A chain's rounding errors could add up to L·u if every
/// step rounded the same way; they do not, and add up to about √L·u = 16u. The data come closest: a column of
/// 0.001s rounds the same way at every step until the ulp of the running sum changes, 15.6u over 256 steps. So the
/// tests allow (2√L + 1)·u·Σ|a·b| ≈ 2.0e-6 relative, whatever k is. One chain over all of k, as before, was off by 135u
/// (8e-6) at N = 1,024 and by 160,000u (9.5e-3) at N = 1,048,576 on that column.
/// </remarks>
public class GemmAccuracyTests
{
    private static readonly double Bound = (2 * Math.Sqrt(GemmBlocked.DepthBlock<float>()) + 1) * Math.ScaleB(1, -24);

    public static readonly TheoryData<int> RowCounts = new() { 1024, 16384, 262144, 1048576 };

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void Dense_weight_gradient_over_many_rows_stays_within_float_rounding(int rows)
    {
        // The loss is the sum of the outputs, so dW[o, i] = Σ_r x[r, i]: the column sums of x, exact in double.
        // Column 0 is the 0.001s; the others are uniform, normal and ones.
        const int inFeatures = 4, outFeatures = 3;
        var generator = new Generator(1);
        var x = new float[rows * inFeatures];
        for (int r = 0; r < rows; r++)
        {
            x[r * inFeatures] = 0.001f;
            x[r * inFeatures + 1] = generator.NextSingle();
            x[r * inFeatures + 2] = (float)generator.NextNormal();
            x[r * inFeatures + 3] = 1;
        }
        var dense = new Dense(inFeatures, outFeatures, seed: 2);
        dense.Forward(Tensor.FromArray(x, [rows, inFeatures])).Sum().Backward();
        var gradient = dense.Weight.Grad!.ToArray<float>();
        for (int i = 0; i < inFeatures; i++)
        {
            double exact = 0, magnitude = 0;
            for (int r = 0; r < rows; r++)
            {
                exact += x[r * inFeatures + i];
                magnitude += Math.Abs(x[r * inFeatures + i]);
            }
            for (int o = 0; o < outFeatures; o++)
                AssertWithinBound(gradient[o * inFeatures + i], exact, magnitude, $"dW[{o}, {i}] over {rows} rows");
        }
    }

    // One row per path and layout. C is small and m < n (the blocked path then packs A's few rows for all of k,
    // not a 32-column panel of B), so that a million rows stay cheap. Paths by name: GemmPath is internal, and a
    // public test cannot take it as a parameter.
    public static TheoryData<string, int, int, bool, bool, int> PathCases()
    {
        var cases = new (GemmPath Path, int M, int N, bool TransposeA, bool TransposeB)[]
        {
            (GemmPath.Blocked, 2, 3, false, false),
            (GemmPath.Blocked, 2, 3, true, false), // Linear's dW = Gᵀ·x
            (GemmPath.Blocked, 2, 17, false, true),
            (GemmPath.Blocked, 2, 3, true, true),
            (GemmPath.RowDots, 3, 2, false, true),
            (GemmPath.RowDots, 1, 3, false, true),
            (GemmPath.ColumnDots, 3, 1, false, false),
            (GemmPath.RowCombination, 1, 3, false, false),
            (GemmPath.ColumnCombination, 3, 1, true, false),
        };
        var data = new TheoryData<string, int, int, bool, bool, int>();
        foreach (int rows in RowCounts)
        foreach (var c in cases)
            data.Add(c.Path.ToString(), c.M, c.N, c.TransposeA, c.TransposeB, rows);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathCases))]
    public void Every_path_sums_a_long_inner_dimension_within_float_rounding(string path, int m, int n, bool transposeA, bool transposeB, int k)
    {
        Assert.Equal(path, GemmPlan.For<float>(transposeA, transposeB, m, k, n, workers: 1).Path.ToString());
        var (a, b) = Operands(m, k, n, transposeA, transposeB, seed: 3);
        var viaSpans = new float[m * n];
        Gemm.Multiply<float>(a.AsSpan(), transposeA, b.AsSpan(), transposeB, viaSpans.AsSpan(), m, k, n, accumulate: false);
        var (exact, magnitude) = Reference(a, transposeA, b, transposeB, new float[m * n], m, k, n);
        for (int e = 0; e < m * n; e++)
            AssertWithinBound(viaSpans[e], exact[e], magnitude[e], $"{path} {m}×{k}×{n} (transposeA={transposeA}, transposeB={transposeB}) C[{e / n}, {e % n}]");
        foreach (int workers in new[] { 1, 2 })
        {
            var viaMemory = new float[m * n];
            Gemm.Multiply<float>(a.AsMemory(), transposeA, b.AsMemory(), transposeB, viaMemory.AsMemory(), m, k, n, accumulate: false, workers);
            Assert.True(viaSpans.AsSpan().SequenceEqual(viaMemory), $"{path} {m}×{k}×{n}: the Memory overload on {workers} worker(s) differs from the span overload");
        }
    }

    [Theory]
    [InlineData(nameof(GemmPath.Blocked), 64, 16384, 32, false, false)] // C cut into rows, B shared
    [InlineData(nameof(GemmPath.Blocked), 32, 16384, 64, true, false)] // C cut into columns, A shared
    [InlineData(nameof(GemmPath.RowDots), 64, 4096, 10, false, true)]
    [InlineData(nameof(GemmPath.ColumnDots), 2048, 2048, 1, false, false)]
    [InlineData(nameof(GemmPath.RowCombination), 1, 2048, 2048, false, false)]
    [InlineData(nameof(GemmPath.ColumnCombination), 2048, 2048, 1, true, false)]
    public void Long_sums_split_across_threads_are_accurate_and_bit_identical_to_one_thread(string path, int m, int k, int n, bool transposeA, bool transposeB)
    {
        var plan = GemmPlan.For<float>(transposeA, transposeB, m, k, n, workers: 2);
        Assert.Equal(path, plan.Path.ToString());
        Assert.True(plan.Parts > 1, "the shape should be split across threads");
        var (a, b) = Operands(m, k, n, transposeA, transposeB, seed: 4);
        var start = new float[m * n];
        var generator = new Generator(5);
        for (int e = 0; e < start.Length; e++) start[e] = (float)generator.NextNormal();
        var (exact, magnitude) = Reference(a, transposeA, b, transposeB, start, m, k, n);

        var oneThread = (float[])start.Clone();
        Gemm.Multiply<float>(a.AsMemory(), transposeA, b.AsMemory(), transposeB, oneThread.AsMemory(), m, k, n, accumulate: true, maxWorkers: 1);
        for (int e = 0; e < m * n; e++)
            AssertWithinBound(oneThread[e], exact[e], magnitude[e], $"{path} {m}×{k}×{n} C[{e / n}, {e % n}]");
        foreach (int workers in new[] { 2, 3 })
        {
            var split = (float[])start.Clone();
            Gemm.Multiply<float>(a.AsMemory(), transposeA, b.AsMemory(), transposeB, split.AsMemory(), m, k, n, accumulate: true, workers);
            Assert.True(oneThread.AsSpan().SequenceEqual(split), $"{path} {m}×{k}×{n}: {workers} workers differ from one");
        }
        var viaSpans = (float[])start.Clone();
        Gemm.Multiply<float>(a.AsSpan(), transposeA, b.AsSpan(), transposeB, viaSpans.AsSpan(), m, k, n, accumulate: true);
        Assert.True(oneThread.AsSpan().SequenceEqual(viaSpans), $"{path} {m}×{k}×{n}: the span overload differs");
    }

    private static void AssertWithinBound(float got, double exact, double magnitude, string what)
    {
        double error = Math.Abs(got - exact);
        if (error > Bound * magnitude)
            Assert.Fail($"{what} = {got}, exact {exact}: error {error / magnitude:E2} of Σ|a·b| exceeds {Bound:E2}.");
    }

    /// <summary>
    /// op(A)'s first row is the 0.001s and its others uniform in [0, 1); op(B)'s first column is ones and its
    /// others uniform in [−1, 1): C[0, 0] is the column sum of the issue, the rest mixes signs.
    /// </summary>
    private static (float[] A, float[] B) Operands(int m, int k, int n, bool transposeA, bool transposeB, ulong seed)
    {
        var generator = new Generator(seed);
        var a = new float[m * k];
        var b = new float[k * n];
        for (int p = 0; p < k; p++)
        {
            for (int i = 0; i < m; i++) a[transposeA ? p * m + i : i * k + p] = i == 0 ? 0.001f : generator.NextSingle();
            for (int j = 0; j < n; j++) b[transposeB ? j * k + p : p * n + j] = j == 0 ? 1 : 2 * generator.NextSingle() - 1;
        }
        return (a, b);
    }

    /// <summary>C + op(A)·op(B) in double (within 1e-12 of exact for these sizes), and C's |c| + Σ_p |a·b|.</summary>
    private static (double[] Exact, double[] Magnitude) Reference(float[] a, bool transposeA, float[] b, bool transposeB, float[] c, int m, int k, int n)
    {
        var exact = new double[m * n];
        var magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = c[i * n + j], size = Math.Abs(c[i * n + j]);
            for (int p = 0; p < k; p++)
            {
                double term = (double)a[transposeA ? p * m + i : i * k + p] * b[transposeB ? j * k + p : p * n + j];
                sum += term;
                size += Math.Abs(term);
            }
            (exact[i * n + j], magnitude[i * n + j]) = (sum, size);
        }
        return (exact, magnitude);
    }
}
