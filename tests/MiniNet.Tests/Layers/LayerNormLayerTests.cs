using MiniNet.Layers;

namespace MiniNet.Tests.Layers;

public class LayerNormLayerTests
{
    [Fact]
    public void Parameters_are_named_shaped_and_initialised_as_nn_LayerNorm()
    {
        var layer = new LayerNorm([2, 3]);
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
        Assert.Equal([2, 3], layer.Weight!.Shape.ToArray());
        Assert.Equal([1f, 1, 1, 1, 1, 1], layer.Weight.ToArray<float>());
        Assert.Equal([0f, 0, 0, 0, 0, 0], layer.Bias!.ToArray<float>());
        Assert.Equal(["weight"], new LayerNorm(4, bias: false).NamedParameters().Select(p => p.Name));
        Assert.Empty(new LayerNorm(4, elementwiseAffine: false).NamedParameters());
        Assert.Equal([2, 3], layer.NormalizedShape);
    }

    [Theory]
    [InlineData("LayerNorm((16,), eps=1e-05, elementwise_affine=True)", new[] { 16 }, 1e-5, true)]
    [InlineData("LayerNorm((4, 5), eps=0.001, elementwise_affine=False)", new[] { 4, 5 }, 1e-3, false)]
    [InlineData("LayerNorm((8,), eps=1.0, elementwise_affine=True)", new[] { 8 }, 1.0, true)]
    [InlineData("LayerNorm((8,), eps=1e-12, elementwise_affine=True)", new[] { 8 }, 1e-12, true)]
    public void Describe_reads_as_pytorchs_repr(string expected, int[] normalizedShape, double eps, bool affine) =>
        Assert.Equal(expected, new LayerNorm(normalizedShape, eps, affine).Describe());

    [Fact]
    public void Forward_is_the_op_with_the_layers_parameters_and_passes_gradcheck()
    {
        var layer = new LayerNorm([2, 4], eps: 1e-4, dtype: DType.Float64);
        Init.Uniform(layer.Weight!, new Generator(1), -2, 2); // away from ones and zeros, so a swapped weight and bias would show
        Init.Uniform(layer.Bias!, new Generator(2), -1, 1);
        var x = Tensor.Randn([3, 2, 4], 4, DType.Float64).RequireGrad();
        Assert.Equal(Tensor.LayerNorm(x, [2, 4], layer.Weight, layer.Bias, 1e-4).ToArray<double>(), layer.Forward(x).ToArray<double>());
        GradCheck.Assert(xs => layer.Forward(xs[0]), [x, .. layer.Parameters()]);
    }

    [Fact]
    public void Each_row_of_a_fresh_layers_output_has_mean_zero_and_variance_one()
    {
        var y = new LayerNorm(6, dtype: DType.Float64).Forward(Tensor.Randn([4, 6], 7, DType.Float64)).ToArray<double>();
        for (int row = 0; row < 4; row++)
        {
            var values = y.AsSpan(row * 6, 6).ToArray();
            double mean = values.Average(), variance = values.Select(v => (v - mean) * (v - mean)).Average();
            Assert.True(Math.Abs(mean) < 1e-12, $"row {row} mean {mean}");
            Assert.True(Math.Abs(variance - 1) < 1e-4, $"row {row} variance {variance}"); // v/(v + eps) for the input's row variance v ≈ 1
        }
    }

    [Fact]
    public void Saves_and_loads_under_pytorchs_state_dict_names()
    {
        using var directory = new TempDirectory();
        var model = new Sequential(new Dense(3, 4, seed: 1), new LayerNorm(4));
        Init.Uniform(((LayerNorm)model[1]).Weight!, new Generator(3), -1, 1);
        model.Save(directory.File("ln.safetensors"));
        var loaded = new Sequential(new Dense(3, 4, seed: 2), new LayerNorm(4));
        loaded.Load(directory.File("ln.safetensors"));
        Assert.Equal(["0.bias", "0.weight", "1.bias", "1.weight"], loaded.StateDict().Keys.Order(StringComparer.Ordinal));
        var x = Tensor.Randn([2, 3], 5);
        Assert.Equal(model.Forward(x).ToArray<float>(), loaded.Forward(x).ToArray<float>());
    }

    [Fact]
    public void Shape_error_names_the_layer_by_its_path_and_both_shapes()
    {
        var model = new Sequential(new Dense(3, 5, seed: 1), new LayerNorm([2, 5]));
        var e = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros([4, 3])));
        Assert.Contains("Sequential[1] LayerNorm((2, 5), eps=1e-05, elementwise_affine=True)", e.Message);
        Assert.Contains("expected input [*, 2, 5]", e.Message);
        Assert.Contains("got [4, 5]", e.Message);
    }
}
