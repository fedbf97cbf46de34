namespace MiniNet.Tests.Ops;

/// <summary>MatMul as torch.matmul: 2-D, batched, broadcast batches and 1-D operands.</summary>
public class MatMulTests
{
    public static readonly TheoryData<string, string> ShapePairs = new()
    {
        { "[1, 1]", "[1, 1]" },
        { "[2, 3]", "[3, 4]" },          // non-square
        { "[4, 2]", "[2, 3]" },
        { "[3, 1]", "[1, 2]" },          // outer product
        { "[1, 5]", "[5, 1]" },          // inner product as matrices
        { "[2, 3, 4]", "[2, 4, 5]" },    // a batch
        { "[2, 3, 4]", "[4, 2]" },       // the right matrix shared by the batch
        { "[3, 4]", "[2, 4, 2]" },       // the left matrix shared by the batch
        { "[2, 1, 3, 4]", "[3, 4, 2]" }, // batch dimensions broadcast both ways
        { "[1, 2, 3]", "[4, 3, 2]" },
        { "[4]", "[4]" },                // 1-D · 1-D: a scalar
        { "[3]", "[3, 2]" },             // a row vector
        { "[2, 3]", "[3]" },             // a column vector
        { "[2, 2, 3]", "[3]" },
        { "[3]", "[2, 3, 2]" },
    };

    /// <summary>Seeded random sizes, with a random broadcast batch.</summary>
    public static TheoryData<string, string> RandomShapePairs()
    {
        var random = new Generator(99);
        var data = new TheoryData<string, string>();
        for (int i = 0; i < 5; i++)
        {
            int m = 1 + random.NextInt(4), k = 1 + random.NextInt(4), n = 1 + random.NextInt(4);
            var (aBatch, bBatch) = TestData.RandomBroadcastPair(random);
            data.Add(Shape.Create([.. aBatch, m, k]).ToString(), Shape.Create([.. bBatch, k, n]).ToString());
        }
        return data;
    }

    [Fact]
    public void A_matrix_times_itself_gets_both_halves_of_its_gradient()
    {
        // One rule writes the left operand's gradient, then adds the right operand's into the same tensor.
        var x = TestData.Uniform([4, 4], -1, 1, 3);
        GradCheck.Assert(xs => xs[0].MatMul(xs[0]), [x]);
    }

    [Theory]
    [MemberData(nameof(ShapePairs))]
    [MemberData(nameof(RandomShapePairs))]
    public void Gradient_matches_finite_differences(string a, string b)
    {
        var left = TestData.Uniform(TestData.ParseShape(a), -1, 1, 1);
        var right = TestData.Uniform(TestData.ParseShape(b), -1, 1, 2);
        GradCheck.Assert(xs => xs[0].MatMul(xs[1]), [left, right]);
    }

    [Theory]
    [MemberData(nameof(ShapePairs))]
    [MemberData(nameof(RandomShapePairs))]
    public void Forward_matches_a_triple_loop_in_double(string a, string b)
    {
        var left = TestData.Uniform(TestData.ParseShape(a), -1, 1, 3, requiresGrad: false);
        var right = TestData.Uniform(TestData.ParseShape(b), -1, 1, 4, requiresGrad: false);
        var expected = Reference(left, right, out var shape);
        var product = left.MatMul(right);
        Assert.Equal(shape, product.Shape.ToArray());
        TestData.AssertClose(expected, product, rtol: 1e-14, atol: 1e-15);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 13, 5)]
    [InlineData(33, 65, 17)]
    [InlineData(64, 64, 64)]
    [InlineData(37, 129, 70)]
    public void Larger_products_match_in_both_dtypes(int m, int k, int n)
    {
        // Sizes around the vector widths and any blocking exercise the kernel's edges.
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var a = Tensor.Uniform([m, k], -1, 1, new Generator(5), dtype);
            var b = Tensor.Uniform([k, n], -1, 1, new Generator(6), dtype);
            var expected = Reference(a, b, out _);
            // float32: each product and sum rounds to 2^-24 relative; the error grows like √k at worst like k.
            double tolerance = dtype == DType.Float32 ? 1e-6 * k : 1e-15 * k;
            TestData.AssertClose(expected, a.MatMul(b), rtol: 0, atol: tolerance);
        }
    }

    [Fact]
    public void Transposed_products_in_backward_are_right_for_non_square_matrices()
    {
        // dA = G·Bᵀ and dB = Aᵀ·G, checked against loops for a [3, 5]·[5, 2] product with a non-uniform G.
        var a = TestData.Uniform([3, 5], -1, 1, 7);
        var b = TestData.Uniform([5, 2], -1, 1, 8);
        var g = TestData.Uniform([3, 2], -1, 1, 9, requiresGrad: false);
        a.MatMul(b).Backward(g);
        double[] av = a.ToArray<double>(), bv = b.ToArray<double>(), gv = g.ToArray<double>();
        var dA = new double[15];
        var dB = new double[10];
        for (int i = 0; i < 3; i++)
        for (int p = 0; p < 5; p++)
        for (int j = 0; j < 2; j++)
        {
            dA[i * 5 + p] += gv[i * 2 + j] * bv[p * 2 + j];
            dB[p * 2 + j] += av[i * 5 + p] * gv[i * 2 + j];
        }
        TestData.AssertClose(dA, a.Grad!, rtol: 1e-14);
        TestData.AssertClose(dB, b.Grad!, rtol: 1e-14);
    }

    [Fact]
    public void Inner_dimension_mismatch_names_both_shapes_and_dimensions()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros([32, 64]).MatMul(Tensor.Zeros([128, 10])));
        Assert.Equal("MatMul: cannot multiply [32, 64] by [128, 10]: inner dimensions 64 and 128 differ", error.Message.Split(" (Parameter")[0].TrimEnd('.'));
    }

    [Fact]
    public void Inner_dimension_mismatch_of_vectors_names_the_vectors()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros([3]).MatMul(Tensor.Zeros([4])));
        Assert.Contains("MatMul: cannot multiply [3] by [4]: inner dimensions 3 and 4 differ", error.Message);
        error = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]).MatMul(Tensor.Zeros([4])));
        Assert.Contains("MatMul: cannot multiply [2, 3] by [4]: inner dimensions 3 and 4 differ", error.Message);
        error = Assert.Throws<ArgumentException>(() => Tensor.Zeros([3]).MatMul(Tensor.Zeros([2, 4, 5])));
        Assert.Contains("MatMul: cannot multiply [3] by [2, 4, 5]: inner dimensions 3 and 4 differ", error.Message);
    }

    [Fact]
    public void Batch_dimensions_that_do_not_broadcast_name_the_op_and_both_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3, 4]).MatMul(Tensor.Zeros([5, 4, 2])));
        Assert.Contains("MatMul", error.Message);
        Assert.Contains("[2, 3, 4]", error.Message);
        Assert.Contains("[5, 4, 2]", error.Message);
    }

    [Fact]
    public void Scalar_operands_and_mixed_dtypes_are_refused()
    {
        var scalar = Assert.Throws<ArgumentException>(() => Tensor.Scalar(2).MatMul(Tensor.Zeros([2, 2])));
        Assert.Contains("MatMul: cannot multiply [] by [2, 2]", scalar.Message);
        var dtypes = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 2]).MatMul(Tensor.Zeros([2, 2], DType.Float64)));
        Assert.Contains("MatMul: dtypes differ", dtypes.Message);
    }

    [Fact]
    public void NaN_in_either_operand_reaches_every_output_it_touches()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            // A NaN in row 1 of A meets zeros in B: 0·NaN is NaN, so row 1 of the product is NaN (as BLAS and PyTorch).
            var a = Tensor.Ones([3, 20], dtype);
            var aValues = TestData.Values(a);
            aValues[1 * 20 + 7] = double.NaN;
            var product = Tensor.FromArray(aValues, [3, 20]).To(dtype).MatMul(Tensor.Zeros([20, 9], dtype));
            var values = TestData.Values(product);
            for (int i = 0; i < 3; i++)
            for (int j = 0; j < 9; j++)
                Assert.Equal(i == 1, double.IsNaN(values[i * 9 + j]));

            // A NaN in column 4 of B meets zeros in A.
            var bValues = new double[20 * 9];
            bValues[7 * 9 + 4] = double.NaN;
            product = Tensor.Zeros([3, 20], dtype).MatMul(Tensor.FromArray(bValues, [20, 9]).To(dtype));
            values = TestData.Values(product);
            for (int i = 0; i < 3; i++)
            for (int j = 0; j < 9; j++)
                Assert.Equal(j == 4, double.IsNaN(values[i * 9 + j]));
        }
    }

    [Fact]
    public void Empty_inner_dimension_gives_zeros()
    {
        var product = Tensor.Zeros([2, 0]).MatMul(Tensor.Zeros([0, 3]));
        Assert.Equal([2, 3], product.Shape.ToArray());
        Assert.All(product.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    /// <summary>torch.matmul by loops: 1-D operands promoted and their dimension dropped, batch dimensions broadcast.</summary>
    private static double[] Reference(Tensor a, Tensor b, out int[] shape)
    {
        int[] aDims = a.Shape.ToArray(), bDims = b.Shape.ToArray();
        bool aVector = aDims.Length == 1, bVector = bDims.Length == 1;
        if (aVector) aDims = [1, aDims[0]];
        if (bVector) bDims = [bDims[0], 1];
        int m = aDims[^2], k = aDims[^1], n = bDims[^1];
        int[] aBatch = aDims[..^2], bBatch = bDims[..^2];
        int[] batch = TestData.BroadcastShape(aBatch, bBatch);
        int batchCount = batch.Aggregate(1, (x, y) => x * y);
        double[] av = TestData.Values(a), bv = TestData.Values(b);
        var result = new double[batchCount * m * n];
        for (int t = 0; t < batchCount; t++)
        {
            var index = TestData.Unravel(t, batch);
            int aMatrix = TestData.SourceIndex(index, aBatch), bMatrix = TestData.SourceIndex(index, bBatch);
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++) sum += av[aMatrix * m * k + i * k + p] * bv[bMatrix * k * n + p * n + j];
                result[(t * m + i) * n + j] = sum;
            }
        }
        var dims = new List<int>(batch);
        if (!aVector) dims.Add(m);
        if (!bVector) dims.Add(n);
        shape = [.. dims];
        return result;
    }
}
