namespace MiniNet.Tests.Ops;

/// <summary>
/// Tanh, Sigmoid, Relu, LeakyRelu, Softplus and Clamp beyond the checks every row of the unary-op table gets
/// (<see cref="UnaryOpTableTests"/>): the conventions at kinks, PyTorch's values and extremes.
/// </summary>
public class ActivationGradTests
{
    [Fact]
    public void Relu_derivative_at_zero_is_zero()
    {
        var x = Tensor.FromArray([0.0, -0.0, 1.0, -1.0]).RequireGrad();
        x.Relu().Sum().Backward();
        Assert.Equal([0.0, 0.0, 1.0, 0.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Relu_derivative_at_zero_is_zero_at_every_vector_width()
    {
        var values = new float[37];
        for (int i = 0; i < values.Length; i++) values[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 2f : -2f;
        var x = Tensor.FromArray(values).RequireGrad();
        x.Relu().Sum().Backward();
        Assert.Equal(values.Select(v => v > 0 ? 1f : 0f), x.Grad!.ToArray<float>());
    }

    [Fact]
    public void LeakyRelu_derivative_at_zero_is_the_slope_as_PyTorch()
    {
        // torch.nn.functional.leaky_relu(torch.tensor([0.], requires_grad=True), 0.2).backward() gives 0.2.
        var x = Tensor.FromArray([0.0, 3.0, -3.0]).RequireGrad();
        x.LeakyRelu(0.2).Sum().Backward();
        Assert.Equal([0.2, 1.0, 0.2], x.Grad!.ToArray<double>());
    }

    [Theory]
    [InlineData(DType.Float32, 0.2)]
    [InlineData(DType.Float64, 0.2)]
    [InlineData(DType.Float32, -1.5)]
    public void LeakyRelu_derivative_at_zero_is_the_slope_at_every_vector_width(DType dtype, double slope)
    {
        // A second check of the slope at 0, on 131 elements so that every vector width and the scalar tail see
        // zeros (+0 and −0): PyTorch's leaky_relu_backward takes the slope wherever x > 0 is false.
        var values = new double[131];
        for (int i = 0; i < values.Length; i++) values[i] = (i % 4) switch { 0 => 0.0, 1 => -0.0, 2 => 1.5, _ => -1.5 };
        var x = Tensor.FromArray(values).To(dtype).Detach().RequireGrad();
        x.LeakyRelu(slope).Sum().Backward();
        double roundedSlope = dtype == DType.Float32 ? (float)slope : slope;
        var grad = x.Grad!.To(DType.Float64).ToArray<double>();
        for (int i = 0; i < values.Length; i++) Assert.Equal(values[i] > 0 ? 1.0 : roundedSlope, grad[i]);
    }

    [Fact]
    public void Clamp_bounds_are_inclusive_for_the_gradient()
    {
        // PyTorch's clamp_backward passes the gradient where min ≤ x ≤ max, bounds included.
        var x = Tensor.FromArray([-1.0, -0.5, 0.0, 0.75, 1.0]).RequireGrad();
        var y = x.Clamp(-0.5, 0.75);
        Assert.Equal([-0.5, -0.5, 0.0, 0.75, 0.75], y.ToArray<double>());
        y.Sum().Backward();
        Assert.Equal([0.0, 1.0, 1.0, 1.0, 0.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Clamp_with_one_bound_leaves_the_other_side_open()
    {
        var x = Tensor.FromArray([-1e30, -1.0, 0.0, 1.0, 1e30]).RequireGrad();
        Assert.Equal([0.0, 0.0, 0.0, 1.0, 1e30], x.Clamp(min: 0).ToArray<double>());
        Assert.Equal([-1e30, -1.0, 0.0, 0.0, 0.0], x.Clamp(max: 0).ToArray<double>());
        x.Clamp(min: 0).Sum().Backward();
        Assert.Equal([0.0, 0.0, 1.0, 1.0, 1.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Clamp_with_min_above_max_gives_max_everywhere_as_PyTorch()
    {
        var y = Tensor.FromArray([-1.0, 0.5, 3.0]).Clamp(2, 1);
        Assert.Equal([1.0, 1.0, 1.0], y.ToArray<double>());
    }

    [Fact]
    public void Clamp_needs_a_bound_and_refuses_NaN_bounds()
    {
        var x = Tensor.Zeros([2]);
        Assert.Contains("at least one of min and max", Assert.Throws<ArgumentException>(() => x.Clamp()).Message);
        Assert.Contains("must not be NaN", Assert.Throws<ArgumentException>(() => x.Clamp(min: double.NaN)).Message);
    }

    [Fact]
    public void Softplus_refuses_a_beta_that_is_not_positive()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros([2]).Softplus(beta: 0));
        Assert.Contains("beta", error.Message);
    }

    [Fact]
    public void Softplus_matches_PyTorch_values_around_its_threshold()
    {
        // import torch; x = torch.tensor([-30., -1., 0., 0.5, 9.9, 10.1, 30.], dtype=torch.float64)
        // print(torch.nn.functional.softplus(x, beta=2, threshold=20).tolist())
        var x = Tensor.FromArray([-30.0, -1.0, 0.0, 0.5, 9.9, 10.1, 30.0]);
        double[] expected = [4.37825538134826e-27, 0.06346400552148625, 0.34657359027997264, 0.6566308437591114, 9.90000000125875, 10.1, 30.0];
        TestData.AssertClose(expected, x.Softplus(beta: 2, threshold: 20), rtol: 4e-16);
    }

    [Fact]
    public void Sigmoid_of_minus_x_is_one_minus_sigmoid_of_x()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.Uniform([1000], -20, 20, new Generator(31), dtype);
            var left = TestData.Values((-x).Sigmoid());
            var right = TestData.Values(1.0 - x.Sigmoid());
            double tolerance = dtype == DType.Float32 ? 1.2e-7 : 2.3e-16; // one rounding of 1 − σ
            for (int i = 0; i < left.Length; i++)
                Assert.True(Math.Abs(left[i] - right[i]) <= tolerance, $"{dtype} element {i}: σ(−x) = {left[i]:R}, 1 − σ(x) = {right[i]:R}");
        }
    }

    [Fact]
    public void Sigmoid_keeps_full_relative_precision_for_very_negative_inputs()
    {
        // σ(x) ≈ eˣ for x ≪ 0: computed as e/(1 + e), never as 1 − something close to 1.
        var y = Tensor.FromArray([-30.0, -700.0]).Sigmoid().ToArray<double>();
        TestData.AssertClose([Math.Exp(-30) / (1 + Math.Exp(-30)), Math.Exp(-700)], Tensor.FromArray(y), rtol: 4e-16);
    }

    public static readonly TheoryData<double> Extremes = new() { 1e4, -1e4, float.MaxValue, -float.MaxValue };

    [Theory]
    [MemberData(nameof(Extremes))]
    public void Extreme_finite_inputs_give_finite_outputs(double value)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.Full([37], value, dtype).RequireGrad();
            var results = new (string Name, Tensor Y)[]
            {
                ("Sigmoid", x.Sigmoid()), ("Tanh", x.Tanh()), ("Softplus", x.Softplus()), ("Softplus(beta 2)", x.Softplus(beta: 2)),
                ("Softplus(beta 0.5)", x.Softplus(beta: 0.5)), ("Relu", x.Relu()), ("LeakyRelu", x.LeakyRelu()), ("Clamp", x.Clamp(-1, 1)),
            };
            foreach (var (name, y) in results)
            {
                Assert.All(TestData.Values(y), v => Assert.True(double.IsFinite(v), $"{name}({value}) in {dtype} gave {v}"));
                x.Grad = null;
                y.Sum().Backward();
                Assert.All(TestData.Values(x.Grad!), v => Assert.True(double.IsFinite(v), $"{name}'({value}) in {dtype} gave {v}"));
            }
            double sigmoid = TestData.Values(x.Sigmoid())[0];
            Assert.Equal(value > 0 ? 1.0 : 0.0, sigmoid);
            double softplus = TestData.Values(x.Softplus())[0];
            Assert.Equal(value > 0 ? TestData.Values(x)[0] : 0.0, softplus);
        }
    }
}
