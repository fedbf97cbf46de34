using MiniNet.Layers;

namespace MiniNet.Tests.Layers;

public class PoolingLayerTests
{
    [Fact]
    public void Layers_print_as_PyTorch_prints_them()
    {
        // The strings torch 1.13 prints for nn.MaxPool2d(2), nn.MaxPool2d((2, 3), padding=(1, 0)), nn.AvgPool2d(3, 2, 1),
        // nn.AvgPool2d((2, 3), count_include_pad=False), nn.AdaptiveAvgPool2d((5, 7)) and nn.AdaptiveAvgPool2d(1).
        Assert.Equal("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool2d(2).Describe());
        Assert.Equal("MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=(1, 0), dilation=1, ceil_mode=False)", new MaxPool2d((2, 3), padding: (1, 0)).Describe());
        Assert.Equal("AvgPool2d(kernel_size=3, stride=2, padding=1)", new AvgPool2d(3, 2, 1).Describe());
        Assert.Equal("AvgPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0)", new AvgPool2d((2, 3), countIncludePad: false).Describe());
        Assert.Equal("AdaptiveAvgPool2d(output_size=(5, 7))", new AdaptiveAvgPool2d((5, 7)).Describe());
        Assert.Equal("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).Describe());
    }

    [Fact]
    public void Layers_have_no_parameters_and_apply_their_op()
    {
        var x = Tensor.Uniform([2, 3, 7, 6], -1, 1, new Generator(1), DType.Float64);
        Module[] layers = [new MaxPool2d(3, stride: 2, padding: 1, dilation: (1, 2)), new AvgPool2d((3, 2), padding: (1, 1), countIncludePad: false), new AdaptiveAvgPool2d((3, 4))];
        Tensor[] expected = [x.MaxPool2d(3, 2, 1, (1, 2)), x.AvgPool2d((3, 2), null, (1, 1), false), x.AdaptiveAvgPool2d((3, 4))];
        for (int i = 0; i < layers.Length; i++)
        {
            Assert.Empty(layers[i].NamedParameters());
            Assert.Equal(expected[i].Shape, layers[i].Forward(x).Shape);
            Assert.Equal(expected[i].ToArray<double>(), layers[i].Forward(x).ToArray<double>());
        }
    }

    [Fact]
    public void A_small_cnn_pools_to_the_expected_shape_and_trains_through_the_pools()
    {
        // PyTorch's MNIST-example shape: 28 → conv 3 (same) → pool 2 → 14 → conv 3 (same) → pool 2 → 7 → global average → 1.
        var model = new Sequential(new Conv2d(1, 4, 3, padding: 1, seed: 1), new ReLU(), new MaxPool2d(2),
            new Conv2d(4, 6, 3, padding: 1, seed: 2), new AvgPool2d(2), new AdaptiveAvgPool2d(1), new Flatten());
        var x = Tensor.Uniform([3, 1, 28, 28], -1, 1, new Generator(3));
        var y = model.Forward(x);
        Assert.Equal([3, 6], y.Shape.ToArray());
        y.Sum().Backward();
        var first = (Conv2d)model[0];
        Assert.NotNull(first.Weight.Grad);
        Assert.Contains(first.Weight.Grad!.ToArray<float>(), g => g != 0);
    }

    [Fact]
    public void Shape_error_names_the_layer_by_its_path()
    {
        var model = new Sequential(new MaxPool2d(2), new MaxPool2d(4));
        var e = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros([1, 1, 6, 6])));
        Assert.Contains("Sequential[1] MaxPool2d(kernel_size=4, stride=4, padding=0, dilation=1, ceil_mode=False)", e.Message);
        Assert.Contains("input [1, 1, 3, 3] is too small for kernel size (4, 4)", e.Message);
    }
}
