namespace MiniNet.Tests.Ops;

/// <summary>Sum, Mean and Max over one axis (negative too) or all axes, with keepDims both ways.</summary>
public class ReduceTests
{
    public static TheoryData<string, string, int?, bool> Cases()
    {
        var data = new TheoryData<string, string, int?, bool>();
        foreach (var op in new[] { "Sum", "Mean", "Max" })
        {
            foreach (var keepDims in new[] { false, true })
            {
                foreach (int? axis in new int?[] { null, 0, 1, 2, -1, -3 }) data.Add(op, "[2, 3, 4]", axis, keepDims);
                data.Add(op, "[3, 1]", 1, keepDims);   // a size-1 axis
                data.Add(op, "[1, 4]", 0, keepDims);
                data.Add(op, "[5]", 0, keepDims);
                data.Add(op, "[]", null, keepDims);    // a scalar reduces to itself
            }
        }
        var random = new Generator(123);
        for (int i = 0; i < 9; i++) // seeded random shapes, axes and keepDims
        {
            var shape = TestData.RandomShape(random, 1, 4, 4);
            int? axis = random.NextInt(shape.Rank + 1) is int a && a == shape.Rank ? null : a - (random.NextInt(2) == 0 ? 0 : shape.Rank);
            data.Add(new[] { "Sum", "Mean", "Max" }[i % 3], shape.ToString(), axis, axis is not null && random.NextInt(2) == 0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradient_matches_finite_differences(string op, string shape, int? axis, bool keepDims)
    {
        // Distinct values 0.1 apart: no ties, so Max is differentiable everywhere finite differences look.
        var x = TestData.Distinct(TestData.ParseShape(shape), (ulong)(shape.Length + (axis ?? 7)));
        GradCheck.Assert(t => Reduce(t, op, axis, keepDims), x);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_a_loop_and_the_shape_follows_keepDims(string op, string shape, int? axis, bool keepDims)
    {
        var x = TestData.Uniform(TestData.ParseShape(shape), -3, 3, 11, requiresGrad: false);
        var y = Reduce(x, op, axis, keepDims);
        var (expected, expectedShape) = Reference(x, op, axis, keepDims);
        Assert.Equal(expectedShape, y.Shape.ToArray());
        TestData.AssertClose(expected, y, rtol: 1e-15);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Long_rows_reduce_accurately_at_every_vector_width(DType dtype)
    {
        foreach (int length in new[] { 1, 3, 17, 1023, 1025, 4099 })
        {
            var x = Tensor.Uniform([2, length], -1, 1, new Generator((ulong)length), dtype);
            var (sum, _) = Reference(x, "Sum", 1, false);
            var (max, _) = Reference(x, "Max", 1, false);
            // Blocked summation: the error grows like √length roundings of the partial sums' size.
            double tolerance = (dtype == DType.Float32 ? 1e-6 : 1e-15) * Math.Sqrt(length);
            TestData.AssertClose(sum, x.Sum(1), rtol: 0, atol: tolerance);
            TestData.AssertClose(max, x.Max(1), rtol: 0);
            TestData.AssertClose(max, x.Transpose().Max(0), rtol: 0); // the strided (inner > 1) path
            TestData.AssertClose(sum, x.Transpose().Sum(0), rtol: 0, atol: tolerance);
        }
    }

    [Fact]
    public void Tied_maxima_share_the_gradient_evenly()
    {
        // torch.tensor([1., 3., 3.], requires_grad=True).amax().backward() gives [0, 0.5, 0.5].
        var x = Tensor.FromArray([1.0, 3.0, 3.0]).RequireGrad();
        x.Max().Backward();
        Assert.Equal([0.0, 0.5, 0.5], x.Grad!.ToArray<double>());

        var rows = Tensor.FromArray(new double[,] { { 2, 2, 2 }, { 1, 5, 0 } }).RequireGrad();
        rows.Max(1).Backward(Tensor.FromArray([3.0, 4.0]));
        Assert.Equal([1.0, 1.0, 1.0, 0.0, 4.0, 0.0], rows.Grad!.ToArray<double>());

        var columns = Tensor.FromArray(new double[,] { { 7, 1 }, { 7, 2 } }).RequireGrad();
        columns.Max(0, keepDims: true).Sum().Backward();
        Assert.Equal([0.5, 0.0, 0.5, 1.0], columns.Grad!.ToArray<double>());
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Tied_maxima_share_the_gradient_evenly_along_long_rows_and_strided_columns(DType dtype)
    {
        // A second, independent check of the tie split, on rows long enough to reach every vector width: row r
        // has its maximum 9 at r + 1 places (ties of 1, 2, 3 …), so each copy gets g / (r + 1).
        const int Rows = 5, Length = 67;
        var values = new double[Rows * Length];
        for (int r = 0; r < Rows; r++)
            for (int i = 0; i < Length; i++) values[r * Length + i] = i % 13 == 0 && i / 13 <= r ? 9 : (i * 7 + r) % 5;
        var upstream = new[] { 1.0, 2.0, 3.0, 4.0, 5.0 };
        foreach (bool strided in new[] { false, true })
        {
            var x = Tensor.FromArray(values, [Rows, Length]).To(dtype).Detach().RequireGrad();
            var maxima = strided ? x.Transpose().Max(0) : x.Max(1);  // columns of the transpose: the inner > 1 path
            maxima.Backward(Tensor.FromArray(upstream).To(dtype));
            var grad = x.Grad!.To(DType.Float64).ToArray<double>();
            for (int r = 0; r < Rows; r++)
                for (int i = 0; i < Length; i++)
                {
                    double expected = values[r * Length + i] == 9 ? upstream[r] / (r + 1) : 0;
                    Assert.Equal(dtype == DType.Float32 ? (float)expected : expected, grad[r * Length + i]);
                }
        }
    }

    [Fact]
    public void Mean_spreads_the_gradient_as_one_over_n()
    {
        var x = Tensor.Ones([2, 4], DType.Float64).RequireGrad();
        x.Mean(1).Sum().Backward();
        Assert.All(x.Grad!.ToArray<double>(), g => Assert.Equal(0.25, g));
        x.Grad = null;
        x.Mean().Backward();
        Assert.All(x.Grad!.ToArray<double>(), g => Assert.Equal(0.125, g));
    }

    [Fact]
    public void NaN_propagates_through_every_reduction_at_every_vector_width()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        foreach (int length in new[] { 1, 5, 19, 67 })
        {
            var values = new double[3 * length];
            for (int i = 0; i < values.Length; i++) values[i] = -i; // the first element of each row is its max
            values[length + length / 2] = double.NaN; // row 1
            var x = Tensor.FromArray(values, [3, length]).To(dtype);
            foreach (var (name, y) in new[] { ("Sum", x.Sum(1)), ("Mean", x.Mean(1)), ("Max", x.Max(1)) })
                Assert.Equal([false, true, false], TestData.Values(y).Select(double.IsNaN));
            foreach (var (name, y) in new[] { ("Sum", x.Transpose().Sum(0)), ("Mean", x.Transpose().Mean(0)), ("Max", x.Transpose().Max(0)) })
                Assert.Equal([false, true, false], TestData.Values(y).Select(double.IsNaN));
            Assert.True(double.IsNaN(x.Sum().Item()));
            Assert.True(double.IsNaN(x.Mean().Item()));
            Assert.True(double.IsNaN(x.Max().Item()));
        }
    }

    [Fact]
    public void Empty_tensors_reduce_as_PyTorch()
    {
        Assert.Equal(0.0, Tensor.Zeros([0]).Sum().Item());
        Assert.True(double.IsNaN(Tensor.Zeros([0]).Mean().Item()));
        var error = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros([2, 0]).Max(1));
        Assert.Contains("Max: cannot take the maximum over an empty axis 1 of [2, 0]", error.Message);
        Assert.Contains("empty tensor", Assert.Throws<InvalidOperationException>(() => Tensor.Zeros([0]).Max()).Message);
    }

    [Fact]
    public void Bad_axes_name_the_op_the_axis_and_the_valid_range()
    {
        var x = Tensor.Zeros([2, 3]);
        Assert.Contains("Sum: axis 2 is out of range for rank 2; expected -2 to 1", Assert.Throws<ArgumentOutOfRangeException>(() => x.Sum(2)).Message);
        Assert.Contains("Mean: axis -3 is out of range for rank 2", Assert.Throws<ArgumentOutOfRangeException>(() => x.Mean(-3)).Message);
        Assert.Contains("Max: axis 5 is out of range", Assert.Throws<ArgumentOutOfRangeException>(() => x.Max(5)).Message);
        Assert.Contains("Sum: axis 0 given for a scalar (rank 0), which has no axes",
            Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Scalar(1).Sum(0)).Message);
    }

    [Fact]
    public void ArgMax_gives_the_first_of_tied_maxima_per_row()
    {
        var x = Tensor.FromArray(new float[,] { { 1, 3, 3 }, { 9, 2, 9 } });
        Assert.Equal([1, 0], x.ArgMax());
        Assert.Equal([1, 0, 1], x.ArgMax(0));
    }

    internal static Tensor Reduce(Tensor x, string op, int? axis, bool keepDims) => (op, axis) switch
    {
        ("Sum", null) => keepDims ? x.Sum().Reshape(Enumerable.Repeat(1, x.Rank).ToArray()) : x.Sum(),
        ("Mean", null) => keepDims ? x.Mean().Reshape(Enumerable.Repeat(1, x.Rank).ToArray()) : x.Mean(),
        ("Max", null) => keepDims ? x.Max().Reshape(Enumerable.Repeat(1, x.Rank).ToArray()) : x.Max(),
        ("Sum", int a) => x.Sum(a, keepDims),
        ("Mean", int a) => x.Mean(a, keepDims),
        ("Max", int a) => x.Max(a, keepDims),
        _ => throw new ArgumentException(op),
    };

    /// <summary>The reduction by loops over the [outer, length, inner] view of the axis.</summary>
    private static (double[] Values, int[] Shape) Reference(Tensor x, string op, int? axis, bool keepDims)
    {
        var dims = x.Shape.ToArray();
        var values = TestData.Values(x);
        int resolved = axis is int a ? (a < 0 ? a + dims.Length : a) : -1;
        int outer = 1, length = values.Length, inner = 1;
        if (axis is not null)
        {
            outer = dims[..resolved].Aggregate(1, (p, d) => p * d);
            length = dims[resolved];
            inner = dims[(resolved + 1)..].Aggregate(1, (p, d) => p * d);
        }
        var result = new double[outer * inner];
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            // Neumaier's compensated sum: the reference must be more accurate than the kernel it judges.
            double acc = op == "Max" ? double.NegativeInfinity : 0, compensation = 0;
            for (int k = 0; k < length; k++)
            {
                double v = values[(o * length + k) * inner + i];
                if (op == "Max")
                {
                    acc = Math.Max(acc, v);
                    continue;
                }
                double t = acc + v;
                compensation += Math.Abs(acc) >= Math.Abs(v) ? (acc - t) + v : (v - t) + acc;
                acc = t;
            }
            acc += compensation;
            result[o * inner + i] = op == "Mean" ? acc / length : acc;
        }
        int[] shape = axis is null
            ? (keepDims ? Enumerable.Repeat(1, dims.Length).ToArray() : [])
            : keepDims ? dims.Select((d, i) => i == resolved ? 1 : d).ToArray() : dims.Where((_, i) => i != resolved).ToArray();
        return (result, shape);
    }
}
