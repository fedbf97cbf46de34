using System.Numerics;
using MiniNet.Kernels;

namespace MiniNet.Tests.Kernels;

/// <summary>
/// The GEMM kernel against a naive triple loop summed in double, on shapes that land on and around every tile
/// and block boundary, in all four transpose layouts, overwriting and accumulating, in float and double.
/// </summary>
public class GemmTests
{
    // m, n ∈ small sizes around the micro-tile heights (6, 8) and vector widths (2, 4, 8, 16); k from the empty sum up.
    private static readonly int[] SmallSides = [1, 2, 3, 5, 7, 8, 9, 13, 17];
    private static readonly int[] SmallDepths = [0, 1, 2, 5, 16, 33];

    // (m, k, n) around the blocking: micro-tiles of 8×32 floats / 8×16 doubles (AVX-512), 6×16 / 6×8 (AVX2),
    // 6×8 / 6×4 (SSE) and 6×2 (scalar); KC = 256 floats or 128 doubles; A blocks and shared-A chunks of 256 rows,
    // B panels of 256 columns; the dot-product path for n ≤ 16; and the matrix–vector paths.
    private static readonly (int M, int K, int N)[] BoundaryShapes =
    [
        (9, 255, 49), (8, 256, 48), (7, 257, 47), (24, 127, 24), (25, 129, 23), (97, 20, 95), (130, 24, 130),
        (6, 7, 24), (12, 128, 25), (96, 31, 97), (64, 130, 16), (64, 130, 17), (130, 40, 15), (257, 3, 9), (9, 5, 257),
        (257, 3, 300), (9, 5, 2049), (1, 300, 130), (1, 784, 128), (1, 97, 1), (130, 300, 1), (2, 513, 3), (3, 64, 2),
        (10, 64, 256), (31, 1, 53),
    ];

    public static TheoryData<bool, bool, bool> Layouts()
    {
        var data = new TheoryData<bool, bool, bool>();
        foreach (bool transposeA in new[] { false, true })
        foreach (bool transposeB in new[] { false, true })
        foreach (bool accumulate in new[] { false, true })
            data.Add(transposeA, transposeB, accumulate);
        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Float_product_matches_the_naive_sum_within_the_rounding_bound(bool transposeA, bool transposeB, bool accumulate) =>
        CheckAgainstNaive<float>(transposeA, transposeB, accumulate);

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Double_product_matches_the_naive_sum_within_the_rounding_bound(bool transposeA, bool transposeB, bool accumulate) =>
        CheckAgainstNaive<double>(transposeA, transposeB, accumulate);

    private static void CheckAgainstNaive<T>(bool transposeA, bool transposeB, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var generator = new Generator(42);
        foreach (var (m, k, n) in AllShapes())
        {
            var (a, b, c) = RandomOperands<T>(m, k, n, generator);
            var (expected, bound) = Naive(a, transposeA, b, transposeB, c, m, k, n, accumulate);
            var viaSpans = (T[])c.Clone();
            Gemm.Multiply<T>(a.AsSpan(), transposeA, b.AsSpan(), transposeB, viaSpans.AsSpan(), m, k, n, accumulate);
            var viaMemory = (T[])c.Clone();
            Gemm.Multiply<T>(a.AsMemory(), transposeA, b.AsMemory(), transposeB, viaMemory.AsMemory(), m, k, n, accumulate, maxWorkers: 2);
            for (int i = 0; i < m * n; i++)
            {
                double got = double.CreateTruncating(viaSpans[i]);
                if (Math.Abs(got - expected[i]) > bound[i])
                    Assert.Fail($"{typeof(T).Name} {m}×{k}×{n} transposeA={transposeA} transposeB={transposeB} accumulate={accumulate}: " +
                        $"C[{i / n}, {i % n}] = {got}, naive {expected[i]}, allowed error {bound[i]:G3}.");
                Assert.Equal(viaSpans[i], viaMemory[i]);
            }
        }
    }

    private static IEnumerable<(int M, int K, int N)> AllShapes()
    {
        foreach (int m in SmallSides)
        foreach (int n in SmallSides)
        foreach (int k in SmallDepths)
            yield return (m, k, n);
        foreach (var shape in BoundaryShapes) yield return shape;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Blocked_and_combination_paths_compute_float_elements_as_chains_over_blocks_of_k_added_in_double(bool transposeA, bool transposeB, bool accumulate) =>
        CheckBlockChains<float>(transposeA, transposeB, accumulate);

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Blocked_and_combination_paths_compute_double_elements_as_chains_over_blocks_of_k_added_in_double(bool transposeA, bool transposeB, bool accumulate) =>
        CheckBlockChains<double>(transposeA, transposeB, accumulate);

    /// <summary>
    /// Every element of C is, for each block of k (256 floats, 128 doubles), the chain s ← a·b + s for p in the block
    /// in order. One block runs from C (or 0) and is stored as it is. Several each run from 0; in groups of four, their
    /// sums are added in T to C (the first group's, when accumulating) or from 0; several groups' sums are added in
    /// double in order and rounded once. However the product is blocked, tiled or split, the bits equal this scalar
    /// model. (The dot-product paths sum each block in SIMD lanes instead.)
    /// </summary>
    private static void CheckBlockChains<T>(bool transposeA, bool transposeB, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int block = GemmBlocked.DepthBlock<T>(), group = 4 * block;
        var generator = new Generator(7);
        foreach (var (m, k, n) in AllShapes().Concat(LongDepthShapes))
        {
            var path = GemmPlan.For<T>(transposeA, transposeB, m, k, n, workers: 1).Path;
            if (path is GemmPath.RowDots or GemmPath.ColumnDots) continue;
            var (a, b, c) = RandomOperands<T>(m, k, n, generator);
            var expected = (T[])c.Clone();
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T start = accumulate ? c[i * n + j] : T.Zero;
                if (k <= block)
                {
                    expected[i * n + j] = Chain(start, 0, k);
                    continue;
                }
                double total = 0;
                for (int from = 0; from < k; from += group)
                {
                    T sum = T.Zero;
                    for (int blockStart = from; blockStart < Math.Min(k, from + group); blockStart += block)
                    {
                        T blockSum = Chain(T.Zero, blockStart, Math.Min(k, blockStart + block));
                        sum = blockStart > from ? sum + blockSum : accumulate && from == 0 ? start + blockSum : blockSum;
                    }
                    total = from == 0 ? double.CreateTruncating(sum) : total + double.CreateTruncating(sum);
                }
                expected[i * n + j] = T.CreateTruncating(total);

                T Chain(T sum, int from, int to)
                {
                    for (int p = from; p < to; p++)
                        sum = T.FusedMultiplyAdd(ElementOfA(a, transposeA, i, p, m, k), ElementOfB(b, transposeB, p, j, k, n), sum);
                    return sum;
                }
            }
            Gemm.Multiply<T>(a.AsMemory(), transposeA, b.AsMemory(), transposeB, c.AsMemory(), m, k, n, accumulate, maxWorkers: 2);
            Assert.True(expected.AsSpan().SequenceEqual(c), $"{typeof(T).Name} {m}×{k}×{n} ({path}) differs from the chains over blocks of {block}.");
        }
    }

    // Several blocks of k in one group and in several (up to 1,024 floats and 512 doubles a group; a last group of one
    // block), on tiles that are whole and cut at the edges, on both sides of the blocked path's split (C cut into rows
    // when m ≥ n), and one row or column of C.
    private static readonly (int M, int K, int N)[] LongDepthShapes =
        [(9, 700, 35), (17, 1030, 70), (70, 600, 17), (1, 700, 70), (70, 700, 1), (1, 1030, 1), (9, 2600, 20), (20, 2600, 9), (1, 2600, 33), (33, 2600, 1)];

    [Fact]
    public void Every_path_is_taken_by_the_test_shapes()
    {
        // The tests above only cover the paths the planner picks for their shapes: make sure that is all of them.
        var seen = new HashSet<GemmPath>();
        foreach (var (m, k, n) in AllShapes())
        foreach (bool transposeA in new[] { false, true })
        foreach (bool transposeB in new[] { false, true })
            seen.Add(GemmPlan.For<float>(transposeA, transposeB, m, k, n, workers: 1).Path);
        Assert.Equal(Enum.GetValues<GemmPath>().Order(), seen.Order());
    }

    [Theory]
    [InlineData(330, 250, 290, false, false)]
    [InlineData(330, 250, 290, true, true)]
    [InlineData(290, 250, 330, false, true)]
    [InlineData(1, 1500, 800, false, true)]
    [InlineData(1, 1500, 800, false, false)]
    [InlineData(1500, 800, 1, true, false)]
    [InlineData(1500, 80, 10, false, true)]
    public void Result_bits_do_not_depend_on_the_number_of_threads(int m, int k, int n, bool transposeA, bool transposeB)
    {
        var generator = new Generator(3);
        var (a, b, c) = RandomOperands<float>(m, k, n, generator);
        Assert.True(GemmPlan.For<float>(transposeA, transposeB, m, k, n, workers: 2).Parts > 1, "the shape should be split across threads");
        var results = new List<float[]>();
        foreach (int workers in new[] { 1, 2, 2, 3, 4 })
        {
            var result = (float[])c.Clone();
            Gemm.Multiply<float>(a.AsMemory(), transposeA, b.AsMemory(), transposeB, result.AsMemory(), m, k, n, accumulate: true, workers);
            results.Add(result);
        }
        foreach (var result in results.Skip(1))
            Assert.True(results[0].AsSpan().SequenceEqual(result));
    }

    [Theory]
    [InlineData(256, 256, 256, 2)]
    [InlineData(1024, 1024, 1024, 2)]
    [InlineData(128, 128, 128, 2)]
    [InlineData(500, 300, 70, 3)]
    [InlineData(64, 784, 256, 2)]
    [InlineData(1, 1500, 800, 2)]
    public void Parts_tile_C_in_whole_micro_panels_as_evenly_as_possible(int m, int k, int n, int workers)
    {
        var plan = GemmPlan.For<float>(false, false, m, k, n, workers);
        Assert.True(plan.Parts > 1, "the shape should be split across threads");
        Assert.Equal(0, plan.Parts % workers); // as many parts for every thread
        int extent = plan.SplitRows ? m : n;
        int units = (extent + plan.Align - 1) / plan.Align;
        int expected = 0;
        for (int part = 0; part < plan.Parts; part++)
        {
            var (start, end) = plan.Part(part);
            Assert.Equal(expected, start); // contiguous, in order, from 0
            Assert.Equal(0, start % plan.Align);
            int size = (end - start + plan.Align - 1) / plan.Align; // in micro-panels
            Assert.True(size == units / plan.Parts || size == units / plan.Parts + 1, $"part {part}: {size} micro-panels of {units} in {plan.Parts} parts");
            expected = end;
        }
        Assert.Equal(extent, expected);
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(false, true, false)]
    public void Blocked_product_in_chunks_and_parts_equals_the_product_in_one_piece(bool splitRows, bool transposeA, bool transposeB)
    {
        // A large product packs its shared operand (columns of B when C is cut into rows, rows of A otherwise) a chunk
        // at a time, and threads take C in parts: computed chunk by chunk and part by part, the bits are the same.
        const int m = 70, k = 300, n = 90;
        var (a, b, c) = RandomOperands<float>(m, k, n, new Generator(9));
        var whole = (float[])c.Clone();
        Gemm.Multiply<float>(a, transposeA, b, transposeB, whole, m, k, n, accumulate: true);
        var pieces = (float[])c.Clone();
        var problem = new GemmProblem<float>(a, transposeA, b, transposeB, pieces, m, k, n, accumulate: true);
        int chunk = 2 * (splitRows ? GemmPlan.KernelColumns<float>() : GemmPlan.KernelRows<float>());
        int partSize = 3 * (splitRows ? GemmPlan.KernelRows<float>() : GemmPlan.KernelColumns<float>());
        int chunked = splitRows ? n : m, parted = splitRows ? m : n;
        var shared = new float[GemmBlocked.SharedLength(chunk, k)];
        for (int chunkStart = 0; chunkStart < chunked; chunkStart += chunk)
        {
            GemmBlocked.PackShared(problem, splitRows, chunkStart, chunk, shared);
            for (int start = parted - partSize; start > -partSize; start -= partSize) // parts in reverse order
                GemmBlocked.Part(problem, splitRows, chunkStart, chunk, shared, Math.Max(0, start), start + partSize);
        }
        Assert.True(whole.AsSpan().SequenceEqual(pieces));
    }

    [Theory]
    [InlineData(20, 40, 60)] // blocked
    [InlineData(20, 40, 10)] // dot products (with transposeB)
    [InlineData(1, 40, 60)] // one row of C
    [InlineData(20, 40, 1)] // one column of C
    public void Zero_times_infinity_gives_NaN_and_NaN_propagates_as_in_BLAS(int m, int k, int n)
    {
        foreach (bool transposeA in new[] { false, true })
        foreach (bool transposeB in new[] { false, true })
        {
            var generator = new Generator(5);
            var (a, b, c) = RandomOperands<double>(m, k, n, generator);
            // op(A)[0, 3] = ∞ meets op(B)[3, :] = 0: ∞·0 = NaN in row 0. op(A)[m−1, 5] = NaN poisons row m−1.
            // op(A)[i, 7] = ∞ (other rows) meets op(B)[7, :] > 0: +∞.
            for (int j = 0; j < n; j++)
            {
                b[IndexOfB(transposeB, 3, j, k, n)] = 0;
                b[IndexOfB(transposeB, 7, j, k, n)] = 1 + j;
            }
            for (int i = 0; i < m; i++) a[IndexOfA(transposeA, i, 7, m, k)] = 0;
            a[IndexOfA(transposeA, 0, 3, m, k)] = double.PositiveInfinity;
            a[IndexOfA(transposeA, m - 1, 5, m, k)] = double.NaN;
            if (m > 2) a[IndexOfA(transposeA, 1, 7, m, k)] = double.PositiveInfinity;
            Gemm.Multiply<double>(a, transposeA, b, transposeB, c, m, k, n, accumulate: false);
            for (int j = 0; j < n; j++)
            {
                Assert.True(double.IsNaN(c[j]), $"C[0, {j}] = {c[j]}: ∞·0 must be NaN (transposeA={transposeA}, transposeB={transposeB})");
                Assert.True(double.IsNaN(c[(m - 1) * n + j]), $"C[{m - 1}, {j}] = {c[(m - 1) * n + j]}: NaN must propagate");
                if (m > 2) Assert.Equal(double.PositiveInfinity, c[n + j]);
                if (m > 3) Assert.True(double.IsFinite(c[2 * n + j]));
            }
        }
    }

    [Fact]
    public void Empty_sum_clears_C_or_leaves_it_when_accumulating()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply<float>([], false, [], false, c, 2, 0, 3, accumulate: true);
        Assert.Equal([1, 2, 3, 4, 5, 6], c);
        Gemm.Multiply<float>([], false, [], false, c, 2, 0, 3, accumulate: false);
        Assert.Equal([0, 0, 0, 0, 0, 0], c);
    }

    [Fact]
    public void Operands_shorter_than_the_shape_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(new float[5], false, new float[6], false, new float[4], 2, 3, 2, false));
        Assert.Contains("2×3 by 3×2", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply<float>(new float[5], false, new float[6], false, new float[4], -2, 3, 2, false));
    }

    [Fact]
    public void MatMul_of_batches_with_broadcast_batch_dimensions_multiplies_each_pair()
    {
        // [2, 1, 5, 7] · [3, 7, 4] → [2, 3, 5, 4]: left batch (i, 0) meets right batch j.
        var left = Tensor.Randn([2, 1, 5, 7], seed: 11, DType.Float64);
        var right = Tensor.Randn([3, 7, 4], seed: 12, DType.Float64);
        var product = left.MatMul(right);
        Assert.Equal([2, 3, 5, 4], product.Shape.ToArray());
        double[] x = left.ToArray<double>(), y = right.ToArray<double>(), z = product.ToArray<double>();
        for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
        {
            var expected = Naive(x.AsSpan(i * 35, 35).ToArray(), false, y.AsSpan(j * 28, 28).ToArray(), false, new double[20], 5, 7, 4, false).Expected;
            for (int e = 0; e < 20; e++)
                Assert.Equal(expected[e], z[(i * 3 + j) * 20 + e], 1e-12);
        }
    }

    [Fact]
    public void MatMul_gradients_through_broadcast_batches_pass_the_gradient_check()
    {
        // Backward runs the transposed layouts: dA += G·Bᵀ and dB += Aᵀ·G, summed over the broadcast batch.
        var left = Tensor.Randn([2, 1, 5, 7], seed: 21, DType.Float64).RequireGrad();
        var right = Tensor.Randn([3, 7, 4], seed: 22, DType.Float64).RequireGrad();
        GradCheck.Assert(xs => (xs[0].MatMul(xs[1]) * xs[0].MatMul(xs[1])).Sum(), [left, right]);
    }

    [Fact]
    public void MatMul_of_large_float_matrices_matches_the_naive_product()
    {
        // Big enough to be split across threads, through the public op.
        var left = Tensor.Randn([150, 170], seed: 31);
        var right = Tensor.Randn([170, 160], seed: 32);
        var (expected, bound) = Naive(left.ToArray<float>(), false, right.ToArray<float>(), false, new float[150 * 160], 150, 170, 160, false);
        var got = left.MatMul(right).ToArray<float>();
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(got[i] - expected[i]) <= bound[i], $"C[{i / 160}, {i % 160}] = {got[i]}, naive {expected[i]}");
    }

    private static (T[] A, T[] B, T[] C) RandomOperands<T>(int m, int k, int n, Generator generator) where T : unmanaged, IFloatingPointIeee754<T>
    {
        static T[] Fill(int length, Generator generator)
        {
            var values = new T[length];
            for (int i = 0; i < length; i++) values[i] = T.CreateTruncating(generator.NextNormal());
            return values;
        }
        return (Fill(m * k, generator), Fill(k * n, generator), Fill(m * n, generator));
    }

    /// <summary>
    /// The product summed in double, and for each element a bound on the error of any summation order in T:
    /// (k + 1)·u·(|c| + Σ_p |a·b|), the classic γ bound, doubled for double (the reference itself rounds too).
    /// </summary>
    private static (double[] Expected, double[] Bound) Naive<T>(T[] a, bool transposeA, T[] b, bool transposeB, T[] c,
        int m, int k, int n, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double unit = typeof(T) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -52);
        var expected = new double[m * n];
        var bound = new double[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double start = accumulate ? double.CreateTruncating(c[i * n + j]) : 0;
            double sum = start, magnitude = Math.Abs(start);
            for (int p = 0; p < k; p++)
            {
                double term = double.CreateTruncating(ElementOfA(a, transposeA, i, p, m, k)) * double.CreateTruncating(ElementOfB(b, transposeB, p, j, k, n));
                sum += term;
                magnitude += Math.Abs(term);
            }
            expected[i * n + j] = sum;
            bound[i * n + j] = (k + 1) * unit * magnitude + double.Epsilon;
        }
        return (expected, bound);
    }

    private static T ElementOfA<T>(T[] a, bool transposed, int i, int p, int m, int k) => a[IndexOfA(transposed, i, p, m, k)];

    private static T ElementOfB<T>(T[] b, bool transposed, int p, int j, int k, int n) => b[IndexOfB(transposed, p, j, k, n)];

    private static int IndexOfA(bool transposed, int i, int p, int m, int k) => transposed ? p * m + i : i * k + p;

    private static int IndexOfB(bool transposed, int p, int j, int k, int n) => transposed ? j * k + p : p * n + j;
}
