namespace MiniNet.Tests.Ops;

public class BatchNormTests
{
    [Fact]
    public void Two_values_per_channel_normalise_to_minus_one_and_one_and_update_the_running_statistics_by_hand()
    {
        // One channel holding 1 and 3: mean 2, biased variance 1 (so y = ∓1/√(1 + eps)), unbiased variance 2, so with
        // momentum 0.1 the running mean goes 0 → 0.2 and the running variance 1 → 0.9·1 + 0.1·2 = 1.1.
        var x = Tensor.FromArray(new double[] { 1, 3 }, [2, 1]);
        var runningMean = Tensor.Zeros([1], DType.Float64);
        var runningVar = Tensor.Ones([1], DType.Float64);
        var y = Tensor.BatchNorm(x, runningMean, runningVar, training: true).ToArray<double>();
        double scale = 1 / Math.Sqrt(1 + 1e-5);
        Assert.Equal(-scale, y[0], 15);
        Assert.Equal(scale, y[1], 15);
        Assert.Equal(0.2, runningMean.Item(), 15);
        Assert.Equal(1.1, runningVar.Item(), 15);
        // Evaluation uses them: (1 − 0.2)/√(1.1 + eps).
        Assert.Equal(0.8 / Math.Sqrt(1.1 + 1e-5), Tensor.BatchNorm(x, runningMean, runningVar).ToArray<double>()[0], 15);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gradients_of_input_weight_and_bias_pass_gradcheck_in_both_modes(bool training)
    {
        foreach (int[] shape in new[] { new[] { 3, 4, 3, 5 }, [2, 3, 7], [5, 3], [1, 2, 3, 3] })
        {
            int channels = shape[1];
            var x = TestData.Uniform(shape, -2, 3, 21);
            var w = TestData.Uniform([channels], 0.5, 2, 22);
            var b = TestData.Uniform([channels], -1, 1, 23);
            var runningMean = TestData.Uniform([channels], -0.5, 0.5, 24, requiresGrad: false);
            var runningVar = TestData.Uniform([channels], 0.5, 2, 25, requiresGrad: false);
            GradCheck.Assert(xs => Tensor.BatchNorm(xs[0], runningMean, runningVar, xs[1], xs[2], training), [x, w, b]);
            GradCheck.Assert(xs => Tensor.BatchNorm(xs[0], training ? null : runningMean, training ? null : runningVar, training: training), [x.Detach().RequireGrad()]);
        }
    }

    [Fact]
    public void Gradients_add_to_those_that_reached_the_operands_first()
    {
        var x = Tensor.Randn([4, 3, 2, 2], 1, DType.Float64).RequireGrad();
        var w = Tensor.Randn([3], 2, DType.Float64).RequireGrad();
        var b = Tensor.Randn([3], 3, DType.Float64).RequireGrad();
        GradCheck.Assert(xs =>
        {
            var h = xs[0] * 2;
            return (Tensor.BatchNorm(h, null, null, xs[1], xs[2], training: true) * h).Sum() + (h * h).Sum() + (xs[1] * xs[1]).Sum() + (xs[2] * xs[2]).Sum();
        }, [x, w, b]);
    }

    [Fact]
    public void Float32_agrees_with_float64_within_float32_rounding()
    {
        var x = Tensor.Randn([3, 4, 5, 3], 7, DType.Float64).To(DType.Float32);
        var w = Tensor.Randn([4], 8).To(DType.Float32);
        var b = Tensor.Randn([4], 9).To(DType.Float32);
        foreach (bool training in new[] { true, false })
        {
            var runningMean = Tensor.Full([4], 0.25);
            var runningVar = Tensor.Full([4], 1.5);
            var single = Tensor.BatchNorm(x, runningMean, runningVar, w, b, training).ToArray<float>();
            // The same float32 operands widened: the op works in double and rounds each output once, so the float32
            // output is the float64 one rounded, within half an ulp (2⁻²⁴ relative).
            var wide = Tensor.BatchNorm(x.To(DType.Float64), Tensor.Full([4], 0.25, DType.Float64), Tensor.Full([4], 1.5, DType.Float64),
                w.To(DType.Float64), b.To(DType.Float64), training).ToArray<double>();
            for (int i = 0; i < wide.Length; i++)
                Assert.True(Math.Abs(single[i] - wide[i]) <= Math.Pow(2, -24) * Math.Abs(wide[i]) + 1e-30, $"training {training}: element {i} is {single[i]}, expected {wide[i]}");
        }
    }

    [Fact]
    public void A_large_mean_does_not_cancel_the_variance()
    {
        // 1e8 + [−1, 0, 1] in one channel: the deviations are exact in double, so the variance is 2/3.
        var x = Tensor.FromArray(new double[] { 1e8 - 1, 1e8, 1e8 + 1 }, [3, 1]);
        var y = Tensor.BatchNorm(x, null, null, training: true).ToArray<double>();
        double expected = 1 / Math.Sqrt(2.0 / 3 + 1e-5);
        Assert.Equal(-expected, y[0], 12);
        Assert.Equal(0, y[1], 12);
        Assert.Equal(expected, y[2], 12);
    }

    [Fact]
    public void Evaluation_leaves_the_running_statistics_alone_and_training_bumps_their_version()
    {
        var x = Tensor.Randn([4, 2], 5, DType.Float64);
        var runningMean = Tensor.FromArray(new double[] { 0.5, -0.5 });
        var runningVar = Tensor.FromArray(new double[] { 2, 3 });
        Tensor.BatchNorm(x, runningMean, runningVar);
        Assert.Equal([0.5, -0.5], runningMean.ToArray<double>());
        Assert.Equal([2.0, 3], runningVar.ToArray<double>());
        int version = runningMean.Version.Value;
        Tensor.BatchNorm(x, runningMean, runningVar, training: true);
        Assert.NotEqual(version, runningMean.Version.Value);
    }

    [Fact]
    public void Channels_split_across_threads_give_the_bits_of_one_thread()
    {
        // 8 × 32 × 32 values in each of 16 channels: enough for the channels to be split across the kernel threads.
        var x = Tensor.Randn([8, 16, 32, 32], 31);
        var upstream = Tensor.Randn([8, 16, 32, 32], 32);
        SplitCheck.SameBitsOnOneAndSeveralThreads(() =>
        {
            var input = x.Detach().RequireGrad();
            var w = Tensor.Full([16], 1.5).RequireGrad();
            var runningMean = Tensor.Zeros([16]);
            var runningVar = Tensor.Ones([16]);
            var y = Tensor.BatchNorm(input, runningMean, runningVar, w, training: true);
            y.Backward(upstream);
            return [y, input.Grad!, w.Grad!, runningMean, runningVar];
        });
    }
}
