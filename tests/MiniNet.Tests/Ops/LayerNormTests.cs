namespace MiniNet.Tests.Ops;

public class LayerNormTests
{
    /// <summary>One layer normalisation: the input's shape, the trailing dimensions normalised, and which affine parts it has.</summary>
    public sealed record Config(int[] Input, int[] Normalized, bool Weight, bool Bias, double Eps = 1e-5)
    {
        public override string ToString() =>
            $"x[{string.Join(",", Input)}] over [{string.Join(",", Normalized)}]{(Weight ? " w" : "")}{(Bias ? " b" : "")} eps {Eps}";
    }

    public static TheoryData<Config> Configs() =>
    [
        new([4, 6], [6], true, true),
        new([3, 2, 5], [2, 5], true, true),           // two trailing dimensions
        new([2, 3, 4], [4], false, false),            // no affine
        new([2, 3, 4], [3, 4], false, false, 1e-3),   // two dimensions, no affine, another eps
        new([7], [7], true, true),                    // one row
        new([2, 2, 1, 3], [1, 3], true, false),       // weight only, a unit dimension
        new([3, 5], [5], false, true),                // bias only
        new([2, 4], [2, 4], true, true),              // the whole tensor is one row
    ];

    [Theory]
    [MemberData(nameof(Configs))]
    public void Forward_matches_a_direct_loop_in_float64(Config config)
    {
        var (x, w, b) = Operands(config, DType.Float64);
        var y = Tensor.LayerNorm(x, config.Normalized, w, b, config.Eps);
        Assert.Equal(config.Input, y.Shape.ToArray());
        var expected = Reference(config, x.ToArray<double>(), w?.ToArray<double>(), b?.ToArray<double>());
        var actual = y.ToArray<double>();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"{config}: element {i} is {actual[i]}, expected {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Float32_agrees_with_float64_within_float32_rounding(Config config)
    {
        var (x, w, b) = Operands(config, DType.Float64);
        var single = Tensor.LayerNorm(x.To(DType.Float32), config.Normalized, w?.To(DType.Float32), b?.To(DType.Float32), config.Eps).ToArray<float>();
        // The float32 operands are the float64 ones rounded; the statistics and each output are worked in double and
        // rounded once, so each float32 output is the exact value from those operands to within half an ulp (2⁻²⁴ relative).
        var expected = Reference(config, AsDoubles(x.To(DType.Float32)), w is null ? null : AsDoubles(w.To(DType.Float32)), b is null ? null : AsDoubles(b.To(DType.Float32)));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(single[i] - expected[i]) <= Math.Pow(2, -24) * Math.Abs(expected[i]) + 1e-12, $"{config}: element {i} is {single[i]}, expected {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Gradients_of_input_weight_and_bias_pass_gradcheck(Config config)
    {
        var (x, w, b) = Operands(config, DType.Float64);
        Tensor[] inputs = [x.RequireGrad(), .. w is null ? Array.Empty<Tensor>() : [w.RequireGrad()], .. b is null ? Array.Empty<Tensor>() : [b.RequireGrad()]];
        GradCheck.Assert(xs => Tensor.LayerNorm(xs[0], config.Normalized, w is null ? null : xs[1], b is null ? null : xs[^1], config.Eps), inputs);
    }

    [Fact]
    public void Gradients_add_to_those_that_reached_the_operands_first()
    {
        var x = Tensor.Randn([3, 2, 4], 1, DType.Float64).RequireGrad();
        var w = Tensor.Randn([2, 4], 2, DType.Float64).RequireGrad();
        var b = Tensor.Randn([2, 4], 3, DType.Float64).RequireGrad();
        GradCheck.Assert(xs =>
        {
            var h = xs[0] * 2;
            return (Tensor.LayerNorm(h, [2, 4], xs[1], xs[2]) * h).Sum() + (h * h).Sum() + (xs[1] * xs[1]).Sum() + (xs[2] * xs[2]).Sum();
        }, [x, w, b]);
    }

    [Fact]
    public void Values_and_gradients_match_pytorch()
    {
        // Inputs and upstream gradients as layer_norm_reference.py builds them; the expected values are its output.
        var (x, w, b) = TorchOperands([3, 2, 4], [2, 4]);
        var y = Tensor.LayerNorm(x, [2, 4], w, b, 1e-5);
        y.Backward(ClosedForm([3, 2, 4], i => Math.Cos(0.53 * i)));
        AssertClose(LayerNormTorchValues.TwoDimsOutput, y.ToArray<double>());
        AssertClose(LayerNormTorchValues.TwoDimsInputGrad, x.Grad!.ToArray<double>());
        AssertClose(LayerNormTorchValues.TwoDimsWeightGrad, w.Grad!.ToArray<double>());
        AssertClose(LayerNormTorchValues.TwoDimsBiasGrad, b.Grad!.ToArray<double>());

        var (x2, _, _) = TorchOperands([2, 3, 5], [5]);
        var y2 = Tensor.LayerNorm(x2, [5], eps: 1e-3);
        y2.Backward(ClosedForm([2, 3, 5], i => Math.Cos(0.53 * i)));
        AssertClose(LayerNormTorchValues.LastDimOutput, y2.ToArray<double>());
        AssertClose(LayerNormTorchValues.LastDimInputGrad, x2.Grad!.ToArray<double>());
    }

    [Fact]
    public void A_constant_row_gives_the_bias_and_finite_gradients()
    {
        // Variance 0: x̂ = 0, so y = b exactly, and 1/σ = 1/√eps keeps dx = (g·w − mean(g·w))/√eps finite.
        var x = Tensor.FromArray(new double[] { 3, 3, 3, 3, 1, 2, 3, 4 }, [2, 4]).RequireGrad();
        var w = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, [4]).RequireGrad();
        var b = Tensor.FromArray(new double[] { 0.5, -1, 0, 2 }, [4]).RequireGrad();
        var y = Tensor.LayerNorm(x, [4], w, b, 1e-5);
        Assert.Equal([0.5, -1, 0, 2], y.ToArray<double>()[..4]);
        y.Backward(Tensor.FromArray(new double[] { 1, 1, 1, 1, 0, 0, 0, 0 }, [2, 4]));
        // g·w = [1, 2, 3, 4], its mean 2.5: dx = [−1.5, −0.5, 0.5, 1.5]/√1e-5 on the constant row, 0 on the other.
        var dx = x.Grad!.ToArray<double>();
        double[] expected = [-1.5 / Math.Sqrt(1e-5), -0.5 / Math.Sqrt(1e-5), 0.5 / Math.Sqrt(1e-5), 1.5 / Math.Sqrt(1e-5), 0, 0, 0, 0];
        AssertClose(expected, dx);
        Assert.Equal([0.0, 0, 0, 0], w.Grad!.ToArray<double>());
        Assert.Equal([1.0, 1, 1, 1], b.Grad!.ToArray<double>());
    }

    [Fact]
    public void A_large_mean_does_not_cancel_the_variance()
    {
        // 1e8 + [−1, 0, 1]: the deviations are exact in double, so the variance is 2/3 and the output ±√(3/2)·(1 − tiny).
        var x = Tensor.FromArray(new double[] { 1e8 - 1, 1e8, 1e8 + 1 }, [3]);
        var y = Tensor.LayerNorm(x, [3], eps: 1e-5).ToArray<double>();
        double expected = 1 / Math.Sqrt(2.0 / 3 + 1e-5);
        AssertClose([-expected, 0, expected], y);
    }

    private static (Tensor X, Tensor? W, Tensor? B) Operands(Config config, DType dtype) =>
        (Tensor.Randn(config.Input, 11, dtype),
         config.Weight ? Tensor.Randn(config.Normalized, 12, dtype) : null,
         config.Bias ? Tensor.Randn(config.Normalized, 13, dtype) : null);

    private static (Tensor X, Tensor W, Tensor B) TorchOperands(int[] input, int[] normalized) =>
        (ClosedForm(input, i => Math.Sin(0.37 * i + 0.1) * (1 + 0.2 * i)).RequireGrad(),
         ClosedForm(normalized, i => Math.Cos(0.91 * i)).RequireGrad(),
         ClosedForm(normalized, i => 0.1 * i - 0.2).RequireGrad());

    private static Tensor ClosedForm(int[] shape, Func<int, double> value)
    {
        var data = new double[Shape.Create(shape).ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = value(i);
        return Tensor.FromArray(data, Shape.Create(shape));
    }

    private static double[] AsDoubles(Tensor single) => Array.ConvertAll(single.ToArray<float>(), v => (double)v);

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"element {i} is {actual[i]}, expected {expected[i]}");
    }

    /// <summary>Layer normalisation from its definition: per row of the trailing dimensions, (x − mean)/√(var + eps)·w + b, var biased.</summary>
    private static double[] Reference(Config config, double[] x, double[]? w, double[]? b)
    {
        int features = 1;
        foreach (int d in config.Normalized) features *= d;
        var y = new double[x.Length];
        for (int row = 0; row < x.Length / features; row++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < features; i++) mean += x[row * features + i] / features;
            for (int i = 0; i < features; i++) variance += Math.Pow(x[row * features + i] - mean, 2) / features;
            for (int i = 0; i < features; i++)
                y[row * features + i] = (x[row * features + i] - mean) / Math.Sqrt(variance + config.Eps) * (w?[i] ?? 1) + (b?[i] ?? 0);
        }
        return y;
    }
}
