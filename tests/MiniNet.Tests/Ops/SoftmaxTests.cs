namespace MiniNet.Tests.Ops;

/// <summary>Softmax and LogSoftmax along each axis: gradients, values, and the properties that make them trustworthy.</summary>
public class SoftmaxTests
{
    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var op in new[] { "Softmax", "LogSoftmax" })
        {
            foreach (int axis in new[] { 0, 1, 2, -1, -2 }) data.Add(op, "[2, 3, 4]", axis);
            data.Add(op, "[4]", 0);
            data.Add(op, "[3, 1]", 1); // a single class: softmax is 1, log-softmax 0, gradient 0
            data.Add(op, "[1, 5]", -1);
            data.Add(op, "[2, 5]", 0);
        }
        var random = new Generator(321);
        for (int i = 0; i < 6; i++) // seeded random shapes and axes
        {
            var shape = TestData.RandomShape(random, 1, 4, 4);
            data.Add(i % 2 == 0 ? "Softmax" : "LogSoftmax", shape.ToString(), random.NextInt(2 * shape.Rank) - shape.Rank);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradient_matches_finite_differences(string op, string shape, int axis)
    {
        var x = TestData.Uniform(TestData.ParseShape(shape), -3, 3, 1);
        // A non-uniform weighting, so the check does not only see Σ softmax = 1 (whose gradient is 0).
        var weights = TestData.Uniform(TestData.ParseShape(shape), -2, 2, 2, requiresGrad: false);
        GradCheck.Assert(t => Apply(t, op, axis) * weights, x);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_a_loop_in_double(string op, string shape, int axis)
    {
        var x = TestData.Uniform(TestData.ParseShape(shape), -3, 3, 3, requiresGrad: false);
        TestData.AssertClose(Reference(x, op, axis), Apply(x, op, axis), rtol: 1e-14, atol: 1e-16);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Softmax_rows_sum_to_one_and_lie_in_zero_one(DType dtype)
    {
        foreach (int classes in new[] { 1, 2, 7, 10, 33, 1000 })
        {
            var x = Tensor.Normal([16, classes], 0, 10, new Generator((ulong)classes), dtype);
            var y = TestData.Values(x.Softmax());
            Assert.All(y, p => Assert.InRange(p, 0.0, 1.0));
            double tolerance = dtype == DType.Float32 ? 1e-6 : 1e-14;
            for (int row = 0; row < 16; row++)
                Assert.Equal(1.0, y.Skip(row * classes).Take(classes).Sum(), tolerance);
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LogSoftmax_is_never_positive(DType dtype)
    {
        var x = Tensor.Normal([64, 10], 0, 20, new Generator(4), dtype);
        Assert.All(TestData.Values(x.LogSoftmax()), v => Assert.True(v <= 0, $"log-softmax gave {v}"));
        Assert.All(TestData.Values(x.LogSoftmax(0)), v => Assert.True(v <= 0, $"log-softmax gave {v}"));
    }

    [Theory]
    [InlineData(1e4)]
    [InlineData(-1e4)]
    [InlineData(123.0)]
    [InlineData(-7.0)]
    public void Softmax_is_unchanged_by_adding_a_constant_to_a_row(double c)
    {
        // Multiples of 2^-6 below 8 in magnitude, plus an integer c up to 1e4: every x + c is exact in float32,
        // so shifting by the row max must give the very same bits.
        var random = new Generator(5);
        var values = new double[8 * 12];
        for (int i = 0; i < values.Length; i++) values[i] = (random.NextInt(1024) - 512) / 64.0;
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.FromArray(values, [8, 12]).To(dtype);
            TestData.AssertBitwiseEqual(x.Softmax(), (x + c).Softmax());
            TestData.AssertBitwiseEqual(x.Softmax(0), (x + c).Softmax(0));
        }
    }

    [Theory]
    [InlineData(1e4)]
    [InlineData(-1e4)]
    [InlineData(123.0)]
    public void LogSoftmax_is_unchanged_by_adding_a_constant_to_a_row(double c)
    {
        // log-softmax(x + c) = log-softmax(x) too; in float32 near 1e4 a value is only good to 2^-10, so the
        // result must not pass through (max + log Σ) rounded at that magnitude. PyTorch gets this right:
        // torch.log_softmax(torch.tensor([1e4, 1e4]), 0) is [-0.6931472, -0.6931472] to the last bit.
        var random = new Generator(6);
        var values = new double[8 * 12];
        for (int i = 0; i < values.Length; i++) values[i] = (random.NextInt(1024) - 512) / 64.0;
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.FromArray(values, [8, 12]).To(dtype);
            TestData.AssertBitwiseEqual(x.LogSoftmax(), (x + c).LogSoftmax());
        }
    }

    public static readonly TheoryData<double> Extremes = new() { 1e4, -1e4, float.MaxValue, -float.MaxValue };

    [Theory]
    [MemberData(nameof(Extremes))]
    public void Extreme_finite_inputs_give_finite_outputs(double value)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            // Rows of one extreme value, of the extreme with its opposite, and of the extreme with ordinary values.
            var x = Tensor.FromArray([value, value, value, -value, value, 0, 1], [1, 7]).To(dtype);
            var softmax = TestData.Values(x.Softmax());
            Assert.All(softmax, p => Assert.True(double.IsFinite(p) && p >= 0 && p <= 1, $"softmax gave {p} for {value} in {dtype}"));
            // The reference in double from the same (rounded) inputs; where it is finite in the dtype, so must the op be.
            var expected = Reference(x.To(DType.Float64), "LogSoftmax", -1);
            var logSoftmax = TestData.Values(x.LogSoftmax());
            for (int i = 0; i < 7; i++)
            {
                double inDType = dtype == DType.Float32 ? (float)expected[i] : expected[i];
                if (!double.IsFinite(inDType)) continue;
                Assert.True(double.IsFinite(logSoftmax[i]) && logSoftmax[i] <= 0, $"log-softmax[{i}] of {value} in {dtype}: {logSoftmax[i]}");
                double tolerance = dtype == DType.Float32 ? 2e-7 : 1e-15;
                Assert.True(Math.Abs(logSoftmax[i] - expected[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                    $"log-softmax[{i}] of {value} in {dtype}: expected {expected[i]:R}, got {logSoftmax[i]:R}");
            }
        }
    }

    [Fact]
    public void Softmax_of_a_row_of_maxima_is_uniform_and_log_softmax_is_minus_log_n()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.Full([2, 4], float.MaxValue, dtype);
            Assert.All(TestData.Values(x.Softmax()), p => Assert.Equal(0.25, p));
            double expected = dtype == DType.Float32 ? (double)(float)-Math.Log(4) : -Math.Log(4);
            Assert.All(TestData.Values(x.LogSoftmax()), v => Assert.Equal(expected, v, 1e-15));
        }
    }

    [Fact]
    public void NaN_in_a_row_makes_that_row_NaN_and_leaves_the_others()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        foreach (int classes in new[] { 1, 5, 19, 67 })
        {
            var values = new double[3 * classes];
            values[classes + classes / 2] = double.NaN;
            var x = Tensor.FromArray(values, [3, classes]).To(dtype);
            foreach (var y in new[] { x.Softmax(), x.LogSoftmax() })
            {
                var v = TestData.Values(y);
                for (int i = 0; i < v.Length; i++) Assert.Equal(i / classes == 1, double.IsNaN(v[i]));
            }
            foreach (var y in new[] { x.Transpose().Softmax(0), x.Transpose().LogSoftmax(0) })
            {
                var v = TestData.Values(y.Transpose());
                for (int i = 0; i < v.Length; i++) Assert.Equal(i / classes == 1, double.IsNaN(v[i]));
            }
        }
    }

    [Fact]
    public void Bad_axes_name_the_op()
    {
        var x = Tensor.Zeros([2, 3]);
        Assert.Contains("Softmax: axis 2 is out of range for rank 2", Assert.Throws<ArgumentOutOfRangeException>(() => x.Softmax(2)).Message);
        Assert.Contains("LogSoftmax: axis -3 is out of range for rank 2", Assert.Throws<ArgumentOutOfRangeException>(() => x.LogSoftmax(-3)).Message);
    }

    private static Tensor Apply(Tensor x, string op, int axis) => op == "Softmax" ? x.Softmax(axis) : x.LogSoftmax(axis);

    /// <summary>softmax by loops in double over the [outer, length, inner] view of the axis.</summary>
    private static double[] Reference(Tensor x, string op, int axis)
    {
        var dims = x.Shape.ToArray();
        int resolved = axis < 0 ? axis + dims.Length : axis;
        int outer = dims[..resolved].Aggregate(1, (p, d) => p * d), length = dims[resolved];
        int inner = dims[(resolved + 1)..].Aggregate(1, (p, d) => p * d);
        var values = TestData.Values(x);
        var result = new double[values.Length];
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int k = 0; k < length; k++) max = Math.Max(max, values[(o * length + k) * inner + i]);
            for (int k = 0; k < length; k++) sum += Math.Exp(values[(o * length + k) * inner + i] - max);
            for (int k = 0; k < length; k++)
            {
                double v = values[(o * length + k) * inner + i] - max;
                result[(o * length + k) * inner + i] = op == "Softmax" ? Math.Exp(v) / sum : v - Math.Log(sum);
            }
        }
        return result;
    }
}
