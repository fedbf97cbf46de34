namespace MiniNet.Tests.Ops;

/// <summary>+ − × ÷ and negation: gradients (float64, GradCheck), forward values against loops in double, and errors.</summary>
public class ArithmeticGradTests
{
    /// <summary>Shape pairs: equal, size-1 dimensions, scalars, and broadcasting on the left, the right and both sides.</summary>
    public static readonly TheoryData<string, string> ShapePairs = new()
    {
        { "[]", "[]" },
        { "[1]", "[1]" },
        { "[5]", "[5]" },
        { "[2, 3]", "[2, 3]" },
        { "[2, 3]", "[3]" },       // right operand broadcast over rows
        { "[3]", "[2, 3]" },       // left operand broadcast over rows
        { "[2, 1]", "[1, 3]" },    // both broadcast
        { "[1, 3]", "[2, 1]" },
        { "[2, 3]", "[2, 1]" },    // a column
        { "[4, 1, 3]", "[2, 1]" }, // different ranks, both broadcast
        { "[2, 3]", "[]" },        // a tensor with a rank-0 tensor
        { "[]", "[2, 3]" },
        { "[1, 1]", "[2, 3]" },
        { "[2, 1, 1]", "[1, 3, 2]" },
    };

    /// <summary>Seeded random broadcastable shape pairs (ranks 0–4, dimensions 1–3).</summary>
    public static TheoryData<string, string> RandomShapePairs()
    {
        var random = new Generator(2024);
        var data = new TheoryData<string, string>();
        var seen = ShapePairs.Select(row => $"{row[0]}|{row[1]}").ToHashSet();
        while (data.Count < 8)
        {
            var (a, b) = TestData.RandomBroadcastPair(random);
            if (seen.Add($"{a}|{b}")) data.Add(a.ToString(), b.ToString()); // each case once
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ShapePairs))]
    [MemberData(nameof(RandomShapePairs))]
    public void Add_gradient_matches_finite_differences(string a, string b) =>
        GradCheck.Assert(xs => xs[0] + xs[1], Inputs(a, b, 1));

    [Theory]
    [MemberData(nameof(ShapePairs))]
    [MemberData(nameof(RandomShapePairs))]
    public void Sub_gradient_matches_finite_differences(string a, string b) =>
        GradCheck.Assert(xs => xs[0] - xs[1], Inputs(a, b, 2));

    [Theory]
    [MemberData(nameof(ShapePairs))]
    [MemberData(nameof(RandomShapePairs))]
    public void Mul_gradient_matches_finite_differences(string a, string b) =>
        GradCheck.Assert(xs => xs[0] * xs[1], Inputs(a, b, 3));

    [Theory]
    [MemberData(nameof(ShapePairs))]
    [MemberData(nameof(RandomShapePairs))]
    public void Div_gradient_matches_finite_differences(string a, string b)
    {
        var numerator = TestData.Uniform(TestData.ParseShape(a), -2, 2, 4);
        var denominator = TestData.Uniform(TestData.ParseShape(b), 0.5, 2, 5); // away from the pole at 0
        GradCheck.Assert(xs => xs[0] / xs[1], [numerator, denominator]);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[1]")]
    [InlineData("[7]")]
    [InlineData("[2, 1, 3]")]
    public void Scalar_operand_gradients_match_finite_differences(string shape)
    {
        var x = TestData.Uniform(TestData.ParseShape(shape), 0.5, 2, 6);
        GradCheck.Assert(t => t + 1.5, x);
        GradCheck.Assert(t => 1.5 + t, x);
        GradCheck.Assert(t => t - 1.5, x);
        GradCheck.Assert(t => 1.5 - t, x);
        GradCheck.Assert(t => t * -2.5, x);
        GradCheck.Assert(t => -2.5 * t, x);
        GradCheck.Assert(t => t / 3.0, x);
        GradCheck.Assert(t => 3.0 / t, x);
        GradCheck.Assert(t => -t, x);
    }

    [Fact]
    public void A_tensor_used_as_both_operands_gets_both_contributions()
    {
        var x = TestData.Uniform([2, 3], 0.5, 2, 7);
        GradCheck.Assert(t => t * t, x);
        GradCheck.Assert(t => t / t, x);
        GradCheck.Assert(t => t - t, x);
    }

    [Fact]
    public void Operands_that_do_not_require_grad_are_constants()
    {
        var x = TestData.Uniform([2, 3], -1, 1, 8);
        var constant = TestData.Uniform([3], 0.5, 1, 9, requiresGrad: false);
        GradCheck.Assert(xs => xs[0] * xs[1] + xs[1] / xs[0].Exp(), [x, constant]);
        Assert.Null(constant.Grad);
    }

    [Theory]
    [MemberData(nameof(ShapePairs))]
    [MemberData(nameof(RandomShapePairs))]
    public void Binary_forward_values_equal_loops_in_double(string aShape, string bShape)
    {
        var a = TestData.Uniform(TestData.ParseShape(aShape), -3, 3, 10, requiresGrad: false);
        var b = TestData.Uniform(TestData.ParseShape(bShape), 0.5, 3, 11, requiresGrad: false);
        Check(a + b, (x, y) => x + y);
        Check(a - b, (x, y) => x - y);
        Check(a * b, (x, y) => x * y);
        Check(a / b, (x, y) => x / y);

        void Check(Tensor actual, Func<double, double, double> f)
        {
            var expected = TestData.BroadcastReference(a, b, f, out var shape);
            Assert.Equal(shape, actual.Shape.ToArray());
            TestData.AssertClose(expected, actual, rtol: 0); // IEEE +−×÷ are exact-rounded: bit for bit
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    [InlineData(1031)]
    public void Float32_arithmetic_is_correctly_rounded_at_every_vector_width(int length)
    {
        // Lengths around the vector widths exercise the Vector512/256/128 bodies and the scalar tail.
        var a = Tensor.Uniform([length], -4, 4, new Generator(12));
        var b = Tensor.Uniform([length], 0.25, 4, new Generator(13));
        var av = a.ToArray<float>();
        var bv = b.ToArray<float>();
        Assert.Equal(av.Zip(bv, (x, y) => x + y), (a + b).ToArray<float>());
        Assert.Equal(av.Zip(bv, (x, y) => x - y), (a - b).ToArray<float>());
        Assert.Equal(av.Zip(bv, (x, y) => x * y), (a * b).ToArray<float>());
        Assert.Equal(av.Zip(bv, (x, y) => x / y), (a / b).ToArray<float>());
        Assert.Equal(av.Select(x => -x), (-a).ToArray<float>());
        Assert.Equal(av.Select(x => x * 0.1f), (a * 0.1).ToArray<float>()); // the scalar is rounded to float first
        Assert.Equal(av.Select(x => 0.1f / x), (0.1 / a).ToArray<float>());
        Assert.Equal(av.Select(x => x / 3f), (a / 3.0).ToArray<float>());
        Assert.Equal(av.Select(x => x + 0.1f), (a + Tensor.FromArray([0.1f])).ToArray<float>()); // a broadcast [1]
        Assert.Equal(av.Select(x => 0.1f - x), (Tensor.FromArray([0.1f]).Reshape(1, 1) - a).Reshape(length).ToArray<float>());
    }

    [Fact]
    public void Scalar_operands_give_the_same_values_as_a_loop()
    {
        var x = Tensor.FromArray([1.0, -2.0, 4.0]);
        Assert.Equal([3.5, 0.5, 6.5], (x + 2.5).ToArray<double>());
        Assert.Equal([3.5, 0.5, 6.5], (2.5 + x).ToArray<double>());
        Assert.Equal([-1.5, -4.5, 1.5], (x - 2.5).ToArray<double>());
        Assert.Equal([1.5, 4.5, -1.5], (2.5 - x).ToArray<double>());
        Assert.Equal([-3.0, 6.0, -12.0], (x * -3).ToArray<double>());
        Assert.Equal([-3.0, 6.0, -12.0], (-3 * x).ToArray<double>());
        Assert.Equal([0.25, -0.5, 1.0], (x / 4).ToArray<double>());
        Assert.Equal([4.0, -2.0, 1.0], (4 / x).ToArray<double>());
        Assert.Equal([-1.0, 2.0, -4.0], (-x).ToArray<double>());
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void NaN_propagates_through_every_binary_op_at_every_vector_width(DType dtype)
    {
        foreach (int length in new[] { 1, 5, 19, 67 })
        {
            var values = Enumerable.Range(0, length).Select(i => 0.5 + i % 3).ToArray();
            values[length / 2] = double.NaN;
            var withNaN = Tensor.FromArray(values).To(dtype);
            var plain = Tensor.Full([length], 1.5, dtype);
            var row = Tensor.Full([2, length], 1.5, dtype); // the NaN operand broadcast over rows
            foreach (var y in new[]
            {
                withNaN + plain, plain - withNaN, withNaN * plain, plain / withNaN, Tensor.Pow(withNaN, plain), Tensor.Pow(plain, withNaN),
                withNaN + 1.0, 2.0 - withNaN, withNaN * 3.0, 4.0 / withNaN, withNaN / 5.0, -withNaN,
            })
            {
                var v = TestData.Values(y);
                for (int i = 0; i < length; i++) Assert.Equal(i == length / 2, double.IsNaN(v[i]));
            }
            var broadcast = TestData.Values(row * withNaN);
            for (int i = 0; i < 2 * length; i++) Assert.Equal(i % length == length / 2, double.IsNaN(broadcast[i]));
        }
    }

    [Fact]
    public void Division_by_zero_follows_IEEE_as_PyTorch()
    {
        var x = Tensor.FromArray([1.0, -1.0, 0.0]) / Tensor.Zeros([3], DType.Float64);
        var values = x.ToArray<double>();
        Assert.Equal(double.PositiveInfinity, values[0]);
        Assert.Equal(double.NegativeInfinity, values[1]);
        Assert.True(double.IsNaN(values[2]));
    }

    [Fact]
    public void Broadcasting_failure_names_the_op_and_both_shapes()
    {
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([4]);
        foreach (var (op, name) in new (Func<Tensor>, string)[] { (() => a + b, "Add"), (() => a - b, "Sub"), (() => a * b, "Mul"), (() => a / b, "Div") })
        {
            var error = Assert.Throws<ArgumentException>(op);
            Assert.Contains($"{name}: cannot broadcast [2, 3] with [4]", error.Message);
            Assert.Contains("3 and 4", error.Message);
        }
    }

    [Fact]
    public void Mixed_dtypes_are_refused_with_both_dtypes_named()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2]) + Tensor.Zeros([2], DType.Float64));
        Assert.Contains("Add: dtypes differ", error.Message);
        Assert.Contains("Float32", error.Message);
        Assert.Contains("Float64", error.Message);
        Assert.Contains("To(DType)", error.Message);
    }

    private static Tensor[] Inputs(string a, string b, ulong seed) =>
        [TestData.Uniform(TestData.ParseShape(a), -2, 2, seed), TestData.Uniform(TestData.ParseShape(b), -2, 2, seed + 100)];
}
