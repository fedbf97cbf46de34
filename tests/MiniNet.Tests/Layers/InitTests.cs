using MiniNet.Layers;

namespace MiniNet.Tests.Layers;

public class InitTests
{
    private static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.ToArray<double>();
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Average()), v.Min(), v.Max());
    }

    private static Tensor Weight(int fanOut = 300, int fanIn = 200) => Tensor.Zeros([fanOut, fanIn], DType.Float64);

    [Fact]
    public void Gains_are_PyTorch_calculate_gain()
    {
        Assert.Equal(1.0, Init.CalculateGain(Nonlinearity.Linear));
        Assert.Equal(1.0, Init.CalculateGain(Nonlinearity.Sigmoid));
        Assert.Equal(5.0 / 3, Init.CalculateGain(Nonlinearity.Tanh));
        Assert.Equal(Math.Sqrt(2), Init.CalculateGain(Nonlinearity.Relu));
        Assert.Equal(Math.Sqrt(2 / (1 + 0.2 * 0.2)), Init.CalculateGain(Nonlinearity.LeakyRelu, 0.2));
    }

    [Fact]
    public void Fans_follow_PyTorch_for_matrices_and_kernels()
    {
        Assert.Equal((200, 300), Init.Fans(Weight()));
        Assert.Equal((3 * 25, 16 * 25), Init.Fans(Tensor.Zeros([16, 3, 5, 5])));
        Assert.Contains("at least 2 dimensions", Assert.Throws<ArgumentException>(() => Init.Fans(Tensor.Zeros([5]))).Message);
    }

    [Fact]
    public void Xavier_uniform_and_normal_have_the_Glorot_spread()
    {
        var u = Weight();
        Init.XavierUniform(u, new Generator(1), gain: 2);
        double bound = 2 * Math.Sqrt(6.0 / 500);
        var su = Stats(u);
        Assert.InRange(su.Min, -bound, -0.99 * bound);
        Assert.InRange(su.Max, 0.99 * bound, bound);
        Assert.InRange(su.Std, 0.98 * bound / Math.Sqrt(3), 1.02 * bound / Math.Sqrt(3));

        var n = Weight();
        Init.XavierNormal(n, new Generator(2));
        Assert.InRange(Stats(n).Std, 0.98 * Math.Sqrt(2.0 / 500), 1.02 * Math.Sqrt(2.0 / 500));
        Assert.InRange(Stats(n).Mean, -0.003, 0.003);
    }

    [Fact]
    public void Kaiming_uniform_and_normal_scale_by_gain_over_sqrt_fan()
    {
        var u = Weight();
        Init.KaimingUniform(u, new Generator(3), nonlinearity: Nonlinearity.Relu);
        double std = Math.Sqrt(2) / Math.Sqrt(200);
        Assert.InRange(Stats(u).Max, 0.99 * Math.Sqrt(3) * std, Math.Sqrt(3) * std);

        var n = Weight();
        Init.KaimingNormal(n, new Generator(4), mode: FanMode.FanOut, nonlinearity: Nonlinearity.Tanh);
        double expected = 5.0 / 3 / Math.Sqrt(300);
        Assert.InRange(Stats(n).Std, 0.98 * expected, 1.02 * expected);
    }

    [Fact]
    public void Initialisers_are_reproducible_from_the_generator_seed()
    {
        var a = Weight(5, 4);
        var b = Weight(5, 4);
        Init.KaimingNormal(a, new Generator(10));
        Init.KaimingNormal(b, new Generator(10));
        Assert.Equal(a.ToArray<double>(), b.ToArray<double>());
    }

    [Fact]
    public void Constant_and_zeros_fill_parameters_outside_the_tape()
    {
        var p = Tensor.Ones([3]).RequireGrad();
        Init.Constant(p, 0.5);
        Assert.All(p.ToArray<float>(), v => Assert.Equal(0.5f, v));
        Init.Zeros(p);
        Assert.All(p.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.True(p.IsLeaf);
    }
}
