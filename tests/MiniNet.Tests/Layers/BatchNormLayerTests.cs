using MiniNet.Layers;
using MiniNet.Tests.Ops;

namespace MiniNet.Tests.Layers;

public class BatchNormLayerTests
{
    /// <summary>One case of batch_norm_reference.py: the layer kind, the input shape, the momentum, and its expected values.</summary>
    public sealed record TorchCase(string Name, int Kind, int[] Shape, double? Momentum)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<TorchCase> TorchCases() =>
    [
        new("Images", 2, [3, 4, 3, 5], 0.1),
        new("Sequences", 1, [2, 3, 7], 0.1),
        new("Rows", 1, [5, 3], 0.1),
        new("Cumulative", 2, [2, 3, 2, 3], null),
    ];

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void Two_training_steps_then_evaluation_match_pytorch(TorchCase c)
    {
        // As batch_norm_reference.py: a training step on x2, then forward and backward on x (training), then on x (evaluation).
        var bn = Layer(c.Kind, c.Shape[1], c.Momentum);
        bn.Forward(X2(c.Shape));
        var x = X(c.Shape).RequireGrad();
        bn.Forward(x).Backward(G(c.Shape));
        AssertClose(Values(c.Name, "TrainInputGrad"), x.Grad!.ToArray<double>(), c, "training input gradient");
        AssertClose(Values(c.Name, "TrainWeightGrad"), bn.Weight!.Grad!.ToArray<double>(), c, "training weight gradient");
        AssertClose(Values(c.Name, "TrainBiasGrad"), bn.Bias!.Grad!.ToArray<double>(), c, "training bias gradient");
    }

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void Outputs_running_statistics_and_evaluation_match_pytorch(TorchCase c)
    {
        var bn = Layer(c.Kind, c.Shape[1], c.Momentum);
        bn.Forward(X2(c.Shape));
        AssertClose(Values(c.Name, "TrainOutput"), bn.Forward(X(c.Shape)).ToArray<double>(), c, "training output");
        AssertClose(Values(c.Name, "RunningMean"), bn.RunningMean!.ToArray<double>(), c, "running mean");
        AssertClose(Values(c.Name, "RunningVar"), bn.RunningVar!.ToArray<double>(), c, "running variance");
        Assert.Equal(2.0, bn.NumBatchesTracked!.Item());

        bn.Eval();
        var x = X(c.Shape).RequireGrad();
        var y = bn.Forward(x);
        y.Backward(G(c.Shape));
        AssertClose(Values(c.Name, "EvalOutput"), y.ToArray<double>(), c, "evaluation output");
        AssertClose(Values(c.Name, "EvalInputGrad"), x.Grad!.ToArray<double>(), c, "evaluation input gradient");
        AssertClose(Values(c.Name, "EvalWeightGrad"), bn.Weight!.Grad!.ToArray<double>(), c, "evaluation weight gradient");
        AssertClose(Values(c.Name, "EvalBiasGrad"), bn.Bias!.Grad!.ToArray<double>(), c, "evaluation bias gradient");
        Assert.Equal(2.0, bn.NumBatchesTracked!.Item()); // evaluation counts nothing
    }

    [Fact]
    public void A_batch_of_one_evaluates_with_the_running_statistics_as_pytorch()
    {
        var bn = Layer(2, 4, 0.1);
        bn.Forward(X2([3, 4, 3, 5]));
        bn.Forward(X([3, 4, 3, 5]));
        bn.Eval();
        var x = X([1, 4, 3, 5]).RequireGrad();
        var y = bn.Forward(x);
        y.Backward(G([1, 4, 3, 5]));
        var c = new TorchCase("BatchOfOne", 2, [1, 4, 3, 5], 0.1);
        AssertClose(BatchNormTorchValues.BatchOfOneOutput, y.ToArray<double>(), c, "output");
        AssertClose(BatchNormTorchValues.BatchOfOneInputGrad, x.Grad!.ToArray<double>(), c, "input gradient");
    }

    [Fact]
    public void Running_statistics_follow_the_momentum_recurrence_across_train_and_eval_switches()
    {
        // Three training batches with evaluations between them: only training batches move the running estimates, each by
        // running ← 0.7·running + 0.3·batch (unbiased variance), computed here from independent per-channel loops.
        var bn = new BatchNorm1d(3, momentum: 0.3, dtype: DType.Float64);
        double[] mean = [0, 0, 0], variance = [1, 1, 1];
        for (int step = 0; step < 3; step++)
        {
            var batch = Tensor.Randn([6, 3, 4], (ulong)(40 + step), DType.Float64) * (step + 1) + step;
            bn.Train();
            bn.Forward(batch);
            var values = batch.ToArray<double>();
            for (int c = 0; c < 3; c++)
            {
                var channel = Enumerable.Range(0, 6).SelectMany(n => Enumerable.Range(0, 4).Select(l => values[(n * 3 + c) * 4 + l])).ToArray();
                double m = channel.Average();
                double unbiased = channel.Sum(v => (v - m) * (v - m)) / (channel.Length - 1);
                mean[c] = 0.7 * mean[c] + 0.3 * m;
                variance[c] = 0.7 * variance[c] + 0.3 * unbiased;
            }
            bn.Eval();
            var probe = Tensor.Randn([2, 3, 4], 50, DType.Float64);
            var y = bn.Forward(probe).ToArray<double>();
            var p = probe.ToArray<double>();
            for (int i = 0; i < p.Length; i++)
            {
                int c = i / 4 % 3;
                Assert.Equal((p[i] - mean[c]) / Math.Sqrt(variance[c] + 1e-5), y[i], 12);
            }
            Assert.Equal(step + 1.0, bn.NumBatchesTracked!.Item());
        }
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(mean[c], bn.RunningMean!.ToArray<double>()[c], 12);
            Assert.Equal(variance[c], bn.RunningVar!.ToArray<double>()[c], 12);
        }
    }

    [Fact]
    public void Without_running_statistics_evaluation_uses_the_batch_and_the_state_holds_no_buffers()
    {
        var bn = new BatchNorm2d(3, trackRunningStats: false, dtype: DType.Float64);
        Assert.Equal(["weight", "bias"], bn.StateDict().Keys);
        Assert.Empty(bn.Buffers());
        var x = Tensor.Randn([2, 3, 2, 2], 3, DType.Float64);
        var training = bn.Forward(x).ToArray<double>();
        bn.Eval();
        Assert.Equal(training, bn.Forward(x).ToArray<double>());
        Assert.Null(bn.NumBatchesTracked);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_layer_passes_gradcheck_in_both_modes(bool training)
    {
        var bn = Layer(2, 3, 0.1);
        bn.Forward(X2([2, 3, 3, 3])); // running statistics away from their defaults
        bn.Train(training);
        GradCheck.Assert(xs => bn.Forward(xs[0]), [X([2, 3, 3, 3]).RequireGrad()]);
        GradCheck.Assert(xs => Tensor.BatchNorm(X([2, 3, 3, 3]), bn.RunningMean, bn.RunningVar, xs[0], xs[1], training, momentum: 0),
            [bn.Weight!.Detach().RequireGrad(), bn.Bias!.Detach().RequireGrad()]);
    }

    [Fact]
    public void Default_initialisation_is_weight_one_bias_zero_mean_zero_variance_one_count_zero()
    {
        var bn = new BatchNorm2d(5);
        Assert.Equal(Enumerable.Repeat(1f, 5), bn.Weight!.ToArray<float>());
        Assert.Equal(Enumerable.Repeat(0f, 5), bn.Bias!.ToArray<float>());
        Assert.Equal(Enumerable.Repeat(0f, 5), bn.RunningMean!.ToArray<float>());
        Assert.Equal(Enumerable.Repeat(1f, 5), bn.RunningVar!.ToArray<float>());
        Assert.Equal(0.0, bn.NumBatchesTracked!.Item());
        Assert.True(bn.NumBatchesTracked.IsIntegerValued);
        Assert.Equal(DType.Float64, bn.NumBatchesTracked.DType);
        Assert.Equal([], bn.NumBatchesTracked.Shape.ToArray());
        Assert.Equal([bn.Weight, bn.Bias], bn.Parameters());
        Assert.Equal([bn.RunningMean, bn.RunningVar, bn.NumBatchesTracked], bn.Buffers());
    }

    [Fact]
    public void Describe_reads_as_pytorch_repr()
    {
        Assert.Equal("BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm2d(16).Describe());
        Assert.Equal("BatchNorm1d(7, eps=0.001, momentum=None, affine=False, track_running_stats=False)",
            new BatchNorm1d(7, eps: 1e-3, momentum: null, affine: false, trackRunningStats: false).Describe());
        Assert.Equal("BatchNorm2d(3, eps=1e-05, momentum=0.01, affine=True, track_running_stats=True)", new BatchNorm2d(3, momentum: 0.01).Describe());
    }

    [Fact]
    public void Without_affine_there_are_no_parameters_and_the_output_is_the_plain_normalisation()
    {
        var bn = new BatchNorm1d(2, affine: false, dtype: DType.Float64);
        Assert.Empty(bn.Parameters());
        Assert.Equal(["running_mean", "running_var", "num_batches_tracked"], bn.StateDict().Keys);
        var y = bn.Forward(Tensor.FromArray(new double[,] { { 1, 10 }, { 3, 30 } })).ToArray<double>();
        double one = 1 / Math.Sqrt(1 + 1e-5), hundred = 10 / Math.Sqrt(100 + 1e-5);
        Assert.Equal([-one, -hundred, one, hundred], y, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void Float32_layer_matches_float64_layer_within_float32_rounding_and_to_converts_the_buffers()
    {
        var single = new BatchNorm2d(4);
        var x = X([3, 4, 3, 5]);
        single.Forward(x.To(DType.Float32));
        var twin = new BatchNorm2d(4).To(DType.Float64);
        twin.Forward(x.To(DType.Float32).To(DType.Float64));
        Assert.Equal(DType.Float64, ((BatchNorm2d)twin).RunningMean!.DType);
        var singleMean = single.RunningMean!.ToArray<float>();
        var wideMean = ((BatchNorm2d)twin).RunningMean!.ToArray<double>();
        for (int c = 0; c < 4; c++) Assert.True(Math.Abs(singleMean[c] - wideMean[c]) <= Math.Pow(2, -24) * Math.Abs(wideMean[c]) + 1e-30);
        Assert.True(((BatchNorm2d)twin).NumBatchesTracked!.IsIntegerValued);
    }

    private static BatchNorm Layer(int kind, int channels, double? momentum)
    {
        BatchNorm bn = kind == 1
            ? new BatchNorm1d(channels, momentum: momentum, dtype: DType.Float64)
            : new BatchNorm2d(channels, momentum: momentum, dtype: DType.Float64);
        using (Tape.NoGrad())
        {
            bn.Weight!.CopyFrom(ClosedForm([channels], c => Math.Cos(0.91 * c) + 1.5));
            bn.Bias!.CopyFrom(ClosedForm([channels], c => 0.1 * c - 0.2));
        }
        return bn;
    }

    private static Tensor X(int[] shape) => ClosedForm(shape, i => Math.Sin(0.37 * i + 0.1) * (1 + 0.2 * i) + 0.5);

    private static Tensor X2(int[] shape) => ClosedForm(shape, i => Math.Cos(0.29 * i) * (2 - 0.1 * i) - 1);

    private static Tensor G(int[] shape) => ClosedForm(shape, i => Math.Cos(0.53 * i));

    private static Tensor ClosedForm(int[] shape, Func<int, double> value)
    {
        var data = new double[Shape.Create(shape).ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = value(i);
        return Tensor.FromArray(data, Shape.Create(shape));
    }

    private static double[] Values(string name, string what) =>
        (double[])typeof(BatchNormTorchValues).GetField(name + what)!.GetValue(null)!;

    /// <summary>Float64 against PyTorch's float64: the same formulas summed in another order, so agreement to ~1e-12 relative.</summary>
    private static void AssertClose(double[] expected, double[] actual, TorchCase c, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"{c} {what}: element {i} is {actual[i]}, expected {expected[i]}");
    }
}
