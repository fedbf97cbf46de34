using MiniNet.Layers;

namespace MiniNet.Tests.Layers;

public class Conv2dLayerTests
{
    [Fact]
    public void Parameters_are_named_and_shaped_as_nn_Conv2d()
    {
        var layer = new Conv2d(4, 6, (3, 2), groups: 2, seed: 1);
        var parameters = layer.NamedParameters().ToArray();
        Assert.Equal(["weight", "bias"], parameters.Select(p => p.Name));
        Assert.Equal([6, 2, 3, 2], layer.Weight.Shape.ToArray());
        Assert.Equal([6], layer.Bias!.Shape.ToArray());
        Assert.Equal(["weight"], new Conv2d(1, 2, 3, bias: false, seed: 1).NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Default_initialisation_is_pytorchs_uniform_with_the_bound_of_the_fan_in()
    {
        // fan_in = in/groups·kH·kW = 2·3·2 = 12; kaiming_uniform_(a=√5) and the bias both come to U(−1/√12, 1/√12),
        // drawn weight first, then bias, from the one generator.
        var layer = new Conv2d(4, 6, (3, 2), groups: 2, seed: 7);
        double bound = 1 / Math.Sqrt(12);
        var generator = new Generator(7);
        var expectedWeight = Tensor.Uniform(Shape.Create([6, 2, 3, 2]), -bound, bound, generator);
        var expectedBias = Tensor.Uniform(Shape.Create([6]), -bound, bound, generator);
        Assert.Equal(expectedWeight.ToArray<float>(), layer.Weight.ToArray<float>());
        Assert.Equal(expectedBias.ToArray<float>(), layer.Bias!.ToArray<float>());
        var weights = layer.Weight.ToArray<float>();
        Assert.All(weights, v => Assert.InRange(v, -bound, bound));
        Assert.True(weights.Max() > 0.5 * bound && weights.Min() < -0.5 * bound);
    }

    [Theory]
    // As PyTorch 1.13 prints these modules.
    [InlineData("Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))", 1, 8, 3, 1, 1, 1, 1, true, null)]
    [InlineData("Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), dilation=(2, 2), groups=2, bias=False)", 4, 8, 3, 2, 0, 2, 2, false, null)]
    [InlineData("Conv2d(2, 2, kernel_size=(4, 4), stride=(1, 1), padding=same)", 2, 2, 4, 1, 0, 1, 1, true, "same")]
    [InlineData("Conv2d(2, 2, kernel_size=(4, 4), stride=(1, 1), padding=valid)", 2, 2, 4, 1, 0, 1, 1, true, "valid")]
    public void Describe_reads_as_pytorchs_repr(string expected, int inC, int outC, int kernel, int stride, int padding, int dilation, int groups, bool bias, string? mode)
    {
        var layer = new Conv2d(inC, outC, kernel, stride, mode is null ? padding : mode, dilation, groups, bias, seed: 1);
        Assert.Equal(expected, layer.Describe());
    }

    [Fact]
    public void Describe_shows_a_non_square_kernel_as_pytorch()
    {
        // nn.Conv2d(4, 8, (3, 5), stride=2, dilation=2, groups=2, bias=False) prints kernel_size=(3, 5).
        Assert.Equal("Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 2), dilation=(2, 2), groups=2, bias=False)",
            new Conv2d(4, 8, (3, 5), 2, dilation: 2, groups: 2, bias: false, seed: 1).Describe());
    }

    [Fact]
    public void Forward_is_the_op_with_the_layers_parameters_and_passes_gradcheck()
    {
        var layer = new Conv2d(2, 4, (2, 3), stride: (1, 2), padding: (1, 0), dilation: (2, 1), groups: 2, seed: 3, dtype: DType.Float64);
        var x = Tensor.Randn([2, 2, 6, 7], 4, DType.Float64).RequireGrad();
        var expected = Tensor.Conv2d(x, layer.Weight, layer.Bias, (1, 2), (1, 0), (2, 1), 2).ToArray<double>();
        Assert.Equal(expected, layer.Forward(x).ToArray<double>());
        GradCheck.Assert(xs => layer.Forward(xs[0]), [x, .. layer.Parameters()]);
    }

    [Fact]
    public void Same_padding_keeps_the_image_size_and_a_stack_trains_end_to_end()
    {
        var model = new Sequential(new Conv2d(1, 3, 3, padding: "same", seed: 1), new ReLU(), new Conv2d(3, 2, 4, padding: "same", seed: 2));
        var x = Tensor.Randn([2, 1, 5, 6], 5);
        var y = model.Forward(x);
        Assert.Equal([2, 2, 5, 6], y.Shape.ToArray());
        y.Sum().Backward();
        foreach (var p in model.Parameters())
            Assert.Contains(p.Grad!.ToArray<float>(), v => v != 0);
    }

    [Fact]
    public void Saves_and_loads_under_pytorchs_state_dict_names()
    {
        using var directory = new TempDirectory();
        var model = new Sequential(new Conv2d(1, 4, 3, padding: 1, seed: 1), new ReLU(), new Conv2d(4, 2, (2, 3), bias: false, seed: 2));
        model.Save(directory.File("cnn.safetensors"));
        var loaded = new Sequential(new Conv2d(1, 4, 3, padding: 1, seed: 3), new ReLU(), new Conv2d(4, 2, (2, 3), bias: false, seed: 4));
        loaded.Load(directory.File("cnn.safetensors"));
        Assert.Equal(["0.bias", "0.weight", "2.weight"], loaded.StateDict().Keys.Order(StringComparer.Ordinal));
        Assert.Equal([2, 4, 2, 3], loaded.StateDict()["2.weight"].Shape.ToArray());
        var x = Tensor.Randn([2, 1, 6, 5], 5);
        Assert.Equal(model.Forward(x).ToArray<float>(), loaded.Forward(x).ToArray<float>());
    }

    [Fact]
    public void Shape_error_names_the_layer_by_its_path_and_both_shapes()
    {
        var model = new Sequential(new Conv2d(1, 8, 3, padding: 1, seed: 1), new ReLU(), new Conv2d(4, 2, 3, seed: 2));
        var e = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros([2, 1, 5, 5])));
        Assert.Contains("Sequential[2] Conv2d(4, 2, kernel_size=(3, 3), stride=(1, 1))", e.Message);
        Assert.Contains("expected input [N, 4, H, W] or [4, H, W]", e.Message);
        Assert.Contains("got [2, 8, 5, 5]", e.Message);
    }
}
