using MiniNet.Layers;

namespace MiniNet.Tests.Layers;

public class Dropout2dTests
{
    [Fact]
    public void Each_channel_is_kept_whole_and_scaled_or_zeroed_whole_by_one_draw_per_channel_in_order()
    {
        var x = Tensor.Uniform([3, 5, 2, 3], 0.5, 1.5, new Generator(1), DType.Float64);
        var y = new Dropout2d(0.4, seed: 7).Forward(x).ToArray<double>();
        var draws = new Generator(7); // the same stream: one NextDouble per (sample, channel)
        var values = x.ToArray<double>();
        int kept = 0;
        for (int channel = 0; channel < 15; channel++)
        {
            bool keep = draws.NextDouble() < 0.6;
            kept += keep ? 1 : 0;
            for (int i = channel * 6; i < channel * 6 + 6; i++) Assert.Equal(keep ? values[i] / 0.6 : 0, y[i], 14);
        }
        Assert.InRange(kept, 1, 14); // both outcomes occur, so the check above sees each
    }

    [Fact]
    public void An_unbatched_image_drops_its_channels()
    {
        var y = new Dropout2d(0.5, seed: 3).Forward(Tensor.Ones([8, 4, 4], DType.Float64)).ToArray<double>();
        for (int c = 0; c < 8; c++)
        {
            var channel = y.AsSpan(c * 16, 16).ToArray();
            Assert.True(channel.All(v => v == 0) || channel.All(v => v == 2), $"channel {c} is not uniform: {string.Join(", ", channel)}");
        }
    }

    [Fact]
    public void Evaluation_p_zero_and_p_one_behave_as_pytorch()
    {
        var x = Tensor.Randn([2, 3, 2, 2], 2);
        var dropout = new Dropout2d(0.7, seed: 1);
        dropout.Eval();
        Assert.Same(x, dropout.Forward(x));
        Assert.Same(x, new Dropout2d(0).Forward(x));
        Assert.All(new Dropout2d(1).Forward(x).ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.Equal("Dropout2d(p=0.7)", dropout.Describe());
    }

    [Fact]
    public void The_gradient_is_the_mask()
    {
        var x = Tensor.Randn([2, 4, 3, 3], 5, DType.Float64).RequireGrad();
        var y = new Dropout2d(0.5, seed: 11).Forward(x);
        y.Sum().Backward();
        var output = y.ToArray<double>();
        var input = x.ToArray<double>();
        var grad = x.Grad!.ToArray<double>();
        for (int i = 0; i < grad.Length; i++) Assert.Equal(output[i] == 0 ? 0 : 2, grad[i], 14);
        Assert.Contains(grad, g => g == 0);
        Assert.Contains(grad, g => g == 2);
        Assert.All(input, v => Assert.NotEqual(0, v));
    }
}
