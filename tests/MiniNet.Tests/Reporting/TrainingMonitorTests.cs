using System.Xml.Linq;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Reporting;
using MiniNet.Tests.Autograd;

namespace MiniNet.Tests.Reporting;

/// <summary>
/// The training monitor: its figures against values worked out by hand on tiny float64 networks, when it measures,
/// what it explains (the squared-error stall, and nothing for the fused heads on the same data), and its outputs.
/// </summary>
public class TrainingMonitorTests
{
    private static readonly TrainingMonitorOptions EveryStep = new() { Every = 1, Output = TextWriter.Null };

    private static Dense Fixed(double[,] weight, double[] bias) => new(weight.GetLength(1), weight.GetLength(0), dtype: DType.Float64,
        weightInit: (w, _) => w.CopyFrom(Tensor.FromArray(weight)), biasInit: (b, _) => b.CopyFrom(Tensor.FromArray(bias)));

    /// <summary>Dense(2→2) W = [[1, 0], [0, −1]] → ReLU → Dense(2→1) W = [[1, 1]], biases 0; x = [[1, 2], [3, 4]].</summary>
    private static Sequential SmallRelu() => new(Fixed(new double[,] { { 1, 0 }, { 0, -1 } }, [0, 0]), new ReLU(), Fixed(new double[,] { { 1, 1 } }, [0]));

    private static readonly Tensor SmallInput = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });

    /// <summary>One SGD step (lr 0.1) on L = Σ y² (squared error against 0, summed).</summary>
    private static void SgdStep(Module model, Optimizer sgd, Tensor x, Tensor targets)
    {
        sgd.ZeroGrad();
        Losses.MeanSquaredError(model.Forward(x), targets, Reduction.Sum).Backward();
        sgd.Step();
    }

    [Fact]
    public void Figures_of_a_small_ReLU_network_match_the_hand_computed_values()
    {
        var model = SmallRelu();
        using var monitor = TrainingMonitor.Attach(model, EveryStep);
        SgdStep(model, new Sgd(model.Parameters(), lr: 0.1), SmallInput, Tensor.Zeros([2, 1], DType.Float64));

        // h = x·W₀ᵀ = [[1, −2], [3, −4]]; r = relu(h) = [[1, 0], [3, 0]]; y = [[1], [3]]; L = 1 + 9.
        // ∂L/∂y = 2y = [[2], [6]]; ∂L/∂r = [[2, 2], [6, 6]]; ∂L/∂h = [[2, 0], [6, 0]].
        // ∂L/∂W₂ = [20, 0], ∂L/∂b₂ = 8; ∂L/∂W₀ = [[20, 28], [0, 0]], ∂L/∂b₀ = [8, 0].
        var records = monitor.Records;
        Assert.Equal(["0", "1", "2"], records.Select(r => r.Layer));
        Assert.Equal(["Dense", "ReLU", "Dense"], records.Select(r => r.Kind));
        Assert.All(records, r => Assert.Equal(1, r.Step));
        var (dense0, relu, dense2) = (records[0], records[1], records[2]);

        Assert.Equal(Math.Sqrt(400 + 784 + 64), dense0.ParameterGradientNorm, 1e-12);
        Assert.True(double.IsNaN(dense0.InputGradientNorm));              // x takes no gradient
        Assert.Equal(Math.Sqrt(40), dense0.OutputGradientNorm, 1e-12);
        Assert.Equal(-0.5, dense0.ActivationMean, 1e-15);
        Assert.Equal(Math.Sqrt(29.0 / 3), dense0.ActivationStd, 1e-12); // deviations ±1.5, ±3.5, N − 1 = 3
        Assert.Equal(0.1 * Math.Sqrt(1248) / Math.Sqrt(2), dense0.UpdateRatio, 1e-12); // ‖lr·g‖ / ‖[[1, 0], [0, −1]], [0, 0]‖

        Assert.True(double.IsNaN(relu.ParameterGradientNorm));
        Assert.Equal(Math.Sqrt(40), relu.InputGradientNorm, 1e-12);
        Assert.Equal(Math.Sqrt(80), relu.OutputGradientNorm, 1e-12);
        Assert.Equal(Math.Sqrt(40), relu.GradientNorm, 1e-12);            // the table's figure: at its input
        Assert.Equal(0.5, relu.DeadShare);                                 // unit 1 is 0 for both examples
        Assert.Equal(1, relu.ActivationMean, 1e-15);
        Assert.Equal(Math.Sqrt(2), relu.ActivationStd, 1e-12);
        Assert.True(double.IsNaN(relu.UpdateRatio));
        Assert.True(double.IsNaN(relu.SaturatedShare));

        Assert.Equal(Math.Sqrt(400 + 64), dense2.ParameterGradientNorm, 1e-12);
        Assert.Equal(Math.Sqrt(80), dense2.InputGradientNorm, 1e-12);
        Assert.Equal(Math.Sqrt(40), dense2.OutputGradientNorm, 1e-12);
        Assert.Equal(0.1 * Math.Sqrt(464) / Math.Sqrt(2), dense2.UpdateRatio, 1e-12);
        Assert.True(double.IsNaN(dense2.DeadShare));
        Assert.Empty(monitor.HeadRecords); // squared error on a Dense output: a regression, no head to judge
    }

    [Fact]
    public void Saturation_and_the_head_of_a_sigmoid_trained_with_squared_error_match_the_hand_computed_values()
    {
        // z = x·[10, −10, 0]ᵀ for x = 1 and −1: p = σ(±10) (saturated) or ½.
        var model = new Sequential(Fixed(new double[,] { { 10 }, { -10 }, { 0 } }, [0, 0, 0]), new Sigmoid());
        var x = Tensor.FromArray(new double[,] { { 1 }, { -1 } });
        var targets = Tensor.FromArray(new double[,] { { 0, 0, 1 }, { 1, 0, 0 } });
        using var monitor = TrainingMonitor.Attach(model, EveryStep);
        SgdStep(model, new Sgd(model.Parameters(), lr: 0.1), x, targets);

        double high = 1 / (1 + Math.Exp(-10)), low = 1 - high;
        double[] p = [high, low, 0.5, low, high, 0.5], y = [0, 0, 1, 1, 0, 0];
        double outputSquares = 0, inputSquares = 0;
        for (int i = 0; i < 6; i++)
        {
            double atOutput = 2 * (p[i] - y[i]);                // ∂Σ(p − y)²/∂p
            outputSquares += atOutput * atOutput;
            inputSquares += Math.Pow(atOutput * p[i] * (1 - p[i]), 2); // times σ' = p(1 − p)
        }
        var sigmoid = monitor.Records[1];
        Assert.Equal("Sigmoid", sigmoid.Kind);
        Assert.Equal(4.0 / 6, sigmoid.SaturatedShare, 1e-15);
        Assert.Equal(Math.Sqrt(outputSquares), sigmoid.OutputGradientNorm, 1e-12);
        Assert.Equal(Math.Sqrt(inputSquares), sigmoid.InputGradientNorm, 1e-12);
        Assert.Equal(0.5, sigmoid.ActivationMean, 1e-12);                // the saturated pairs sum to 1 each

        // Wrong side: σ(10) with target 0 (twice) and σ(−10) with target 1: 3 of 6, each also ≥ 0.9 on the wrong answer.
        var head = Assert.Single(monitor.HeadRecords);
        Assert.Equal(new HeadRecord(1, "squared error", 0.5, 0.5), head);
    }

    [Theory]
    [InlineData(0.99, 0.5)]   // tanh 3 = 0.99505 and tanh 6 = 0.99998 are beyond 0.99; tanh 0.1 and tanh 0.2 are not
    [InlineData(0.999, 0.25)] // only tanh 6 is beyond 0.999
    public void A_tanh_layers_saturated_share_follows_the_setting(double limit, double expected)
    {
        // z = x·[3, 0.1]ᵀ for x = 1 and 2: [[3, 0.1], [6, 0.2]].
        var model = new Sequential(Fixed(new double[,] { { 3 }, { 0.1 } }, [0, 0]), new Tanh());
        using var monitor = TrainingMonitor.Attach(model, EveryStep with { TanhSaturation = limit });
        model.Forward(Tensor.FromArray(new double[,] { { 1 }, { 2 } })).Sum().Backward();
        var tanh = monitor.Records[1];
        Assert.Equal(expected, tanh.SaturatedShare);
        double[] y = [Math.Tanh(3), Math.Tanh(0.1), Math.Tanh(6), Math.Tanh(0.2)];
        Assert.Equal(y.Average(), tanh.ActivationMean, 1e-12);
        Assert.Equal(Math.Sqrt(y.Sum(v => (1 - v * v) * (1 - v * v))), tanh.InputGradientNorm, 1e-12); // ∂Σy/∂z = 1 − y²
        Assert.Equal(2.0, tanh.OutputGradientNorm, 1e-15);                                          // four ones
    }

    [Fact]
    public void The_softmax_head_counts_wrong_side_outputs_and_confidently_wrong_rows()
    {
        // Logits straight from a Dense(2→3): row 0 = [8, 0, 0] with label 1 is confidently wrong (p₀ ≈ 0.99933 > 0.99 where the
        // target is 0, p₁ ≈ 0.00034 < 0.01 where it is 1: two outputs on the wrong side; p₂ ≈ 0.00034 is on the right side);
        // row 1 = [0, 0, 1] with label 2 is right (p = 0.212, 0.212, 0.576: none saturated).
        var model = new Sequential(Fixed(new double[,] { { 1, 0 }, { 0, 0 }, { 0, 1 } }, [0, 0, 0]));
        var x = Tensor.FromArray(new double[,] { { 8, 0 }, { 0, 1 } });
        using var monitor = TrainingMonitor.Attach(model, EveryStep);
        var sgd = new Sgd(model.Parameters(), lr: 0.1);
        new SoftmaxHead().Loss(model.Forward(x), [1, 2]).Backward();
        sgd.Step();
        Assert.Equal(new HeadRecord(1, "softmax cross-entropy", 2.0 / 6, 1.0 / 2), Assert.Single(monitor.HeadRecords));
    }

    [Fact]
    public void It_measures_the_first_step_and_then_every_Nth_and_not_under_NoGrad_or_in_eval_mode()
    {
        var model = SmallRelu();
        using var monitor = TrainingMonitor.Attach(model, new TrainingMonitorOptions { Every = 3, Output = TextWriter.Null });
        var sgd = new Sgd(model.Parameters(), lr: 0.01);
        for (int step = 0; step < 7; step++)
        {
            SgdStep(model, sgd, SmallInput, Tensor.Zeros([2, 1], DType.Float64));
            using (Tape.NoGrad()) model.Forward(SmallInput);          // evaluation between steps is not a step
            model.Eval();
            model.Forward(SmallInput);
            model.Train();
        }
        Assert.Equal(7, monitor.Steps);
        Assert.Equal([1L, 4, 7], monitor.Records.Select(r => r.Step).Distinct());
    }

    [Fact]
    public void A_detached_monitor_takes_its_hooks_off_and_keeps_its_records()
    {
        var model = SmallRelu();
        var monitor = TrainingMonitor.Attach(model, EveryStep);
        var sgd = new Sgd(model.Parameters(), lr: 0.01);
        SgdStep(model, sgd, SmallInput, Tensor.Zeros([2, 1], DType.Float64));
        monitor.Dispose();
        SgdStep(model, sgd, SmallInput, Tensor.Zeros([2, 1], DType.Float64));
        Assert.Equal(1, monitor.Steps);
        Assert.Equal(3, monitor.Records.Count);
    }

    /// <summary>
    /// 64 examples of 8 features in 4 classes, a hidden ReLU layer, and the output layer drawn 20 times larger than
    /// PyTorch's bound, so that the outputs start saturated; the same weights for every head.
    /// </summary>
    private static (Sequential Model, Tensor X, int[] Labels, Tensor OneHot) SaturatedStart(bool sigmoidLayer)
    {
        var generator = new Generator(7);
        var x = Tensor.Randn([64, 8], seed: 3, dtype: DType.Float64);
        var labels = new int[64];
        var oneHot = Tensor.Zeros([64, 4], DType.Float64);
        for (int i = 0; i < 64; i++)
        {
            labels[i] = (int)(generator.NextUInt64() % 4);
            oneHot.SetFlat(i * 4 + labels[i], 1);
        }
        var model = new Sequential(new Dense(8, 16, seed: 1, dtype: DType.Float64), new ReLU(),
            new Dense(16, 4, seed: 2, dtype: DType.Float64, weightInit: (w, g) => Init.Uniform(w, g, -5, 5), biasInit: (b, g) => Init.Uniform(b, g, -5, 5)));
        if (sigmoidLayer) model.Add(new Sigmoid());
        return (model, x, labels, oneHot);
    }

    [Theory]
    [InlineData("sigmoid+MSE")]
    [InlineData("sigmoid+BCE")]
    [InlineData("softmax+CE")]
    public void The_saturation_warning_fires_for_sigmoid_with_squared_error_from_a_saturated_start_and_not_for_the_fused_heads(string head)
    {
        var (model, x, labels, oneHot) = SaturatedStart(sigmoidLayer: head == "sigmoid+MSE");
        var said = new StringWriter();
        using var monitor = TrainingMonitor.Attach(model, new TrainingMonitorOptions { Every = 1, Output = said });
        var sgd = new Sgd(model.Parameters(), lr: 0.1);
        for (int step = 0; step < 5; step++)
        {
            sgd.ZeroGrad();
            var output = model.Forward(x);
            var loss = head switch
            {
                "sigmoid+MSE" => Losses.MeanSquaredError(output, oneHot, Reduction.Sum) / 64,
                "sigmoid+BCE" => new SigmoidHead(reduction: Reduction.Sum).Loss(output, oneHot) / 64,
                _ => new SoftmaxHead().Loss(output, labels),
            };
            loss.Backward();
            sgd.Step();
        }
        var saturation = monitor.Explanations.Where(text => text.Contains("saturated", StringComparison.Ordinal)).ToArray();
        if (head != "sigmoid+MSE")
        {
            Assert.Empty(saturation);
            Assert.True(monitor.HeadRecords[0].SaturatedWrongShare > 0.1, $"the start is saturated: {monitor.HeadRecords[0]}"); // the same data, seen
            return;
        }
        string text = Assert.Single(saturation);
        Assert.StartsWith("step 1, layer 3 (Sigmoid): ", text, StringComparison.Ordinal);
        Assert.Contains("of units saturated (", text, StringComparison.Ordinal);
        Assert.Contains("a sigmoid with squared error stalls when saturated", text, StringComparison.Ordinal);
        Assert.Contains("use SigmoidHead (binary cross-entropy on logits", text, StringComparison.Ordinal);
        Assert.Equal($"TrainingMonitor: {text}\n", said.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
        var sigmoid = monitor.Records.Where(r => r.Layer == "3").ToArray();
        Assert.All(sigmoid, r => Assert.True(r.OutputGradientNorm / r.InputGradientNorm > 10, $"step {r.Step}: σ' lets through 1/{r.OutputGradientNorm / r.InputGradientNorm}"));
    }

    [Fact]
    public void Warnings_can_be_turned_off()
    {
        var (model, x, _, oneHot) = SaturatedStart(sigmoidLayer: true);
        var said = new StringWriter();
        using var monitor = TrainingMonitor.Attach(model, new TrainingMonitorOptions { Every = 1, Warnings = false, Output = said });
        Losses.MeanSquaredError(model.Forward(x), oneHot, Reduction.Sum).Backward();
        Assert.Empty(monitor.Explanations);
        Assert.Equal("", said.ToString());
        Assert.True(monitor.Records[^1].SaturatedShare > 0.1);
    }

    [Fact]
    public void A_ReLU_layer_with_most_units_dead_is_explained_once()
    {
        // Every hidden pre-activation is negative for positive inputs: W₀ = −1 everywhere, biases 0.
        var model = new Sequential(Fixed(new double[,] { { -1, -1 }, { -1, -1 } }, [0, 0]), new ReLU(), Fixed(new double[,] { { 1, 1 } }, [0]));
        using var monitor = TrainingMonitor.Attach(model, EveryStep);
        var sgd = new Sgd(model.Parameters(), lr: 0.1);
        for (int i = 0; i < 3; i++) SgdStep(model, sgd, SmallInput, Tensor.Zeros([2, 1], DType.Float64));
        var text = Assert.Single(monitor.Explanations);
        Assert.Equal("step 1, layer 1 (ReLU): 100 % of its units output 0 for every example of the batch. A dead unit passes back no gradient, " +
            "so nothing revives it; lower the learning rate, start from smaller weights, or use LeakyReLU.", text);
        Assert.Equal("! dead 100% @1", monitor.Status);
    }

    [Fact]
    public void Table_csv_and_plots_show_the_records()
    {
        var model = SmallRelu();
        using var monitor = TrainingMonitor.Attach(model, EveryStep);
        var sgd = new Sgd(model.Parameters(), lr: 0.1);
        SgdStep(model, sgd, SmallInput, Tensor.Zeros([2, 1], DType.Float64));
        SgdStep(model, sgd, SmallInput, Tensor.Zeros([2, 1], DType.Float64));

        var table = monitor.Table(1).Split('\n');
        Assert.Equal("step 1", table[0]);
        Assert.Equal(["layer", "kind", "grad", "norm", "update/weight", "act", "mean", "act", "std", "saturated", "dead"], table[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["1", "ReLU", "6.32e+00", "-", "1.0000", "1.4142", "-", "50.0", "%"], table[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("step 2", monitor.Table(), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => monitor.Table(5));

        var csv = new StringWriter();
        monitor.WriteCsv(csv);
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 2 * 3, lines.Length);
        Assert.StartsWith("step,layer,kind,parameter_grad_norm,", lines[0], StringComparison.Ordinal);
        var relu = lines[2].Split(',');
        Assert.Equal(["1", "1", "ReLU", ""], relu[..4]);
        Assert.Equal(Math.Sqrt(40), double.Parse(relu[4], System.Globalization.CultureInfo.InvariantCulture), 1e-12);
        Assert.Equal("0.5", relu[10]);

        var svg = XDocument.Parse(monitor.Plots().ToSvg());
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToArray();
        foreach (string expected in new[] { "gradient norm", "update / weight", "activation mean", "dead units (ReLU)", "0 Dense", "1 ReLU", "2 Dense" })
            Assert.Contains(expected, texts);
        Assert.DoesNotContain("saturated (sigmoid, tanh)", texts); // no sigmoid or tanh layer
    }

    [Fact]
    public void The_progress_bar_shows_the_monitor_status()
    {
        var (model, x, _, oneHot) = SaturatedStart(sigmoidLayer: true);
        using var monitor = TrainingMonitor.Attach(model, EveryStep);
        Losses.MeanSquaredError(model.Forward(x), oneHot, Reduction.Sum).Backward();
        _ = monitor.Records;
        var output = new StringWriter();
        var progress = new ProgressBar(output, isTerminal: false) { Monitor = monitor };
        progress.Start("epoch 1/1", 1);
        progress.Step(64, 1.0);
        progress.Finish();
        Assert.StartsWith("! sat ", monitor.Status, StringComparison.Ordinal);
        Assert.Contains(" | " + monitor.Status, output.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>The monitor's cost between measured steps: hook calls that allocate nothing.</summary>
[Collection(AllocationCollection.Name)]
public class TrainingMonitorAllocationTests
{
    [Fact]
    public void Steps_between_measurements_allocate_nothing()
    {
        var model = new Sequential(new Dense(8, 8, seed: 1), new ReLU(), new Dense(8, 8, seed: 2), new Sigmoid(), new Dense(8, 2, seed: 3));
        using var monitor = TrainingMonitor.Attach(model, new TrainingMonitorOptions { Every = 1000, Output = TextWriter.Null });
        var optimizer = new Sgd(model.Parameters(), lr: 0.01);
        var head = new SoftmaxHead();
        var (input, labels) = (Tensor.Randn([4, 8], seed: 1), new[] { 0, 1, 1, 0 });
        var arena = new StepArena();
        long bytes = 0;
        for (int i = 0; i < 16; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (arena.Step())
            {
                optimizer.ZeroGrad();
                head.Loss(model.Forward(input), labels).Backward();
                optimizer.Step();
            }
            if (i >= 6) bytes += GC.GetAllocatedBytesForCurrentThread() - before; // step 1 was measured; the arena is full
        }
        Assert.Equal(0, bytes);
        Assert.Equal(16, monitor.Steps);
    }
}
