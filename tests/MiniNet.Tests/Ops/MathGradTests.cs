namespace MiniNet.Tests.Ops;

/// <summary>
/// Exp, Log, Sqrt, Abs and Pow beyond the checks every row of the unary-op table gets (<see cref="UnaryOpTableTests"/>):
/// tensor exponents, the conventions at 0 and the IEEE edges.
/// </summary>
public class MathGradTests
{
    public static readonly TheoryData<string, string> PowShapePairs = new()
    {
        { "[2, 3]", "[2, 3]" },
        { "[2, 3]", "[]" },     // one exponent for all
        { "[]", "[2, 3]" },     // one base for all
        { "[2, 3]", "[3]" },
        { "[3, 1]", "[1, 2]" }, // both broadcast
        { "[1]", "[4]" },
    };

    [Theory]
    [MemberData(nameof(PowShapePairs))]
    public void Pow_with_a_tensor_exponent_differentiates_base_and_exponent(string baseShape, string exponentShape)
    {
        var @base = TestData.Uniform(TestData.ParseShape(baseShape), 0.3, 2.5, 20); // ln a needs a > 0
        var exponent = TestData.Uniform(TestData.ParseShape(exponentShape), -2, 3, 21);
        GradCheck.Assert(xs => Tensor.Pow(xs[0], xs[1]), [@base, exponent]);
    }

    [Fact]
    public void Pow_with_a_tensor_exponent_matches_Math_Pow_with_broadcasting()
    {
        var @base = TestData.Uniform([3, 1], 0.3, 2.5, 22, requiresGrad: false);
        var exponent = TestData.Uniform([4], -2, 3, 23, requiresGrad: false);
        var expected = TestData.BroadcastReference(@base, exponent, Math.Pow, out var shape);
        var y = Tensor.Pow(@base, exponent);
        Assert.Equal(shape, y.Shape.ToArray());
        TestData.AssertClose(expected, y, rtol: 0);
    }

    [Fact]
    public void Pow_zero_is_one_everywhere_with_zero_gradient_even_at_zero()
    {
        // x⁰ = 1 for every x, NaN included (IEEE pow, as PyTorch), and its derivative is 0, not 0·x⁻¹ = NaN at 0.
        var x = Tensor.FromArray([0.0, -2.0, 3.0, double.NaN]).RequireGrad();
        var y = x.Pow(0);
        Assert.Equal([1.0, 1.0, 1.0, 1.0], y.ToArray<double>());
        y.Sum().Backward();
        Assert.Equal([0.0, 0.0, 0.0, 0.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Pow_gradients_at_zero_follow_PyTorch()
    {
        // PyTorch: d(x²)/dx at 0 is 0; d(aᵇ)/db at a = 0 (b > 0) is 0, the limit, not 0·ln 0 = NaN;
        // d(aᵇ)/da where b = 0 is 0.
        var x = Tensor.FromArray([0.0]).RequireGrad();
        x.Pow(2).Sum().Backward();
        Assert.Equal(0.0, x.Grad!.Item());

        var a = Tensor.FromArray([0.0, 0.0]).RequireGrad();
        var b = Tensor.FromArray([2.0, 0.0]).RequireGrad();
        Tensor.Pow(a, b).Sum().Backward();
        Assert.Equal([0.0, 0.0], a.Grad!.ToArray<double>());
        Assert.Equal([0.0, 0.0], b.Grad!.ToArray<double>());
    }

    [Fact]
    public void Abs_derivative_at_zero_is_zero()
    {
        var x = Tensor.FromArray([0.0, -0.0, 2.0, -3.0]).RequireGrad();
        x.Abs().Sum().Backward();
        Assert.Equal([0.0, 0.0, 1.0, -1.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Abs_derivative_at_zero_is_zero_at_every_vector_width()
    {
        var values = new float[37];
        for (int i = 0; i < values.Length; i++) values[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 1.5f : -1.5f;
        var x = Tensor.FromArray(values).RequireGrad();
        x.Abs().Sum().Backward();
        Assert.Equal(values.Select(v => (float)Math.Sign(v)), x.Grad!.ToArray<float>());
    }

    [Fact]
    public void Log_and_Sqrt_outside_their_domain_follow_IEEE()
    {
        var log = Tensor.FromArray([0.0, -1.0]).Log().ToArray<double>();
        Assert.Equal(double.NegativeInfinity, log[0]);
        Assert.True(double.IsNaN(log[1]));
        var sqrt = Tensor.FromArray([0.0, -1.0]).Sqrt().ToArray<double>();
        Assert.Equal(0.0, sqrt[0]);
        Assert.True(double.IsNaN(sqrt[1]));
    }

    [Fact]
    public void Exp_overflows_to_infinity_and_underflows_to_zero_as_IEEE()
    {
        var y = Tensor.FromArray([89f, -110f, 88f]).Exp().ToArray<float>();
        Assert.Equal(float.PositiveInfinity, y[0]);
        Assert.Equal(0f, y[1]);
        Assert.True(float.IsFinite(y[2]));
    }
}
