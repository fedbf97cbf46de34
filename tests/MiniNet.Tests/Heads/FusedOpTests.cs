namespace MiniNet.Tests.Heads;

/// <summary>How the fused ops live on the tape, and that every SIMD width and tail of their kernels computes the same function.</summary>
public class FusedOpTests
{
    [Fact]
    public void Each_fused_loss_is_one_tape_entry()
    {
        var logits = Tensor.Randn([4, 3], seed: 41).RequireGrad();
        Tensor? loss = null;
        var entries = Tape.Observe(() => loss = Losses.SoftmaxCrossEntropy(logits, [0, 1, 2, 0], Tensor.Ones([3]), labelSmoothing: 0.1));
        Assert.Equal(["SoftmaxCrossEntropy"], entries.Select(e => e.Name));
        Assert.Equal("SoftmaxCrossEntropy", loss!.GradFnName);

        var targets = Tensor.Rand([4, 3], seed: 42).RequireGrad();
        entries = Tape.Observe(() => loss = Losses.SigmoidBinaryCrossEntropy(logits, targets, Tensor.Ones([3]), Tensor.Ones([3])));
        Assert.Equal(["SigmoidBinaryCrossEntropy"], entries.Select(e => e.Name));

        // Logits [N, C, d]: the classes are moved last first (a recorded permutation), then the one fused entry.
        entries = Tape.Observe(() => Losses.SoftmaxCrossEntropy(Tensor.Randn([2, 3, 4], seed: 43).RequireGrad(), new int[8]));
        Assert.Equal(["Permute", "SoftmaxCrossEntropy"], entries.Select(e => e.Name));
    }

    [Fact]
    public void Changing_saved_logits_or_targets_in_place_before_backward_is_caught()
    {
        var leaf = Tensor.Randn([4, 3], seed: 44).RequireGrad();
        var logits = leaf * 1.0;
        var loss = Losses.SoftmaxCrossEntropy(logits, [0, 1, 2, 0]);
        using (Tape.NoGrad()) logits.MulInPlace(2);
        Assert.Contains("modified in place", Assert.Throws<InvalidOperationException>(loss.Backward).Message);

        var targets = Tensor.Rand([4, 3], seed: 45);
        var bce = Losses.SigmoidBinaryCrossEntropy(leaf, targets);
        targets.Fill(0.5);
        Assert.Contains("SigmoidBinaryCrossEntropy", Assert.Throws<InvalidOperationException>(bce.Backward).Message);
    }

    public static TheoryData<string> LossKinds() => ["softmax labels", "softmax labels ignored", "softmax probabilities", "sigmoid", "sigmoid weighted"];

    [Theory]
    [MemberData(nameof(LossKinds))]
    public void Gradients_accumulate_over_every_use_of_the_logits_and_over_backward_calls(string kind)
    {
        // The first rule to reach a gradient stores into a fresh buffer; every later one adds to it.
        var random = new Generator(48);
        var values = Tensor.Normal([5, 4], 0, 2, random, DType.Float64);
        var targets = Tensor.Normal([5, 4], 0, 1, random, DType.Float64).Softmax().RequireGrad();
        Tensor Loss(Tensor z) => kind switch
        {
            "softmax labels" => Losses.SoftmaxCrossEntropy(z, [0, 3, 1, 1, 2], labelSmoothing: 0.1),
            "softmax labels ignored" => Losses.SoftmaxCrossEntropy(z, [0, -100, 1, -100, 2], reduction: Reduction.Sum),
            "softmax probabilities" => Losses.SoftmaxCrossEntropy(z, targets, Tensor.Full([4], 0.5, DType.Float64)),
            "sigmoid" => Losses.SigmoidBinaryCrossEntropy(z, targets),
            _ => Losses.SigmoidBinaryCrossEntropy(z, targets, posWeight: Tensor.Full([4], 3.0, DType.Float64), reduction: Reduction.Sum),
        };

        var once = values.Clone().RequireGrad();
        Loss(once).Backward();
        var single = HeadAssert.Values(once.Grad!);
        var singleTargets = targets.Grad is null ? null : HeadAssert.Values(targets.Grad); // label losses leave the targets alone

        var twice = values.Clone().RequireGrad();
        targets.Grad = null;
        (Loss(twice) + Loss(twice * 1.0)).Backward(); // a leaf and a non-leaf use
        HeadAssert.Close(single.Select(v => 2 * v).ToArray(), twice.Grad!, 1e-15, 1e-300, "two uses");
        if (singleTargets is not null) HeadAssert.Close(singleTargets.Select(v => 2 * v).ToArray(), targets.Grad!, 1e-15, 1e-300, "two uses, targets");

        Loss(twice).Backward(); // onto the existing Grad
        HeadAssert.Close(single.Select(v => 3 * v).ToArray(), twice.Grad!, 1e-15, 1e-300, "a second backward");
    }

    [Fact]
    public void Results_are_bit_identical_from_run_to_run()
    {
        var logits = Tensor.Randn([37, 1001], seed: 46).RequireGrad();
        var targets = Tensor.Rand([37, 1001], seed: 47);
        var labels = Enumerable.Range(0, 37).Select(i => i * 31 % 1001).ToArray();
        (double, float[]) Run(Func<Tensor> loss)
        {
            logits.Grad = null;
            var value = loss();
            value.Backward();
            return (value.Item(), logits.Grad!.ToArray<float>());
        }
        foreach (var loss in new Func<Tensor>[]
        {
            () => Losses.SoftmaxCrossEntropy(logits, labels, labelSmoothing: 0.1),
            () => Losses.SigmoidBinaryCrossEntropy(logits, targets, posWeight: Tensor.Full([1001], 2)),
        })
        {
            var (first, firstGrad) = Run(loss);
            var (second, secondGrad) = Run(loss);
            Assert.Equal(BitConverter.DoubleToInt64Bits(first), BitConverter.DoubleToInt64Bits(second));
            Assert.Equal(firstGrad, secondGrad);
        }
    }

    [Fact]
    public void An_empty_batch_gives_PyTorchs_NaN_mean_zero_sum_and_empty_losses()
    {
        var logits = Tensor.Zeros([0, 3]).RequireGrad();
        Assert.True(double.IsNaN(Losses.SoftmaxCrossEntropy(logits, []).Item()));
        Assert.True(double.IsNaN(Losses.SigmoidBinaryCrossEntropy(logits, Tensor.Zeros([0, 3])).Item()));
        Assert.Equal(0, Losses.SoftmaxCrossEntropy(logits, [], reduction: Reduction.Sum).Item());
        Assert.Equal([0], Losses.SoftmaxCrossEntropy(logits, [], reduction: Reduction.None).Shape.ToArray());
        var sum = Losses.SigmoidBinaryCrossEntropy(logits, Tensor.Zeros([0, 3]), reduction: Reduction.Sum);
        sum.Backward();
        Assert.Equal([0, 3], logits.Grad!.Shape.ToArray());
    }

    // Lengths that exercise every vector width (16, 8, 4 floats; 8, 4, 2 doubles) and every remainder.
    public static TheoryData<DType, int> Lengths()
    {
        var data = new TheoryData<DType, int>();
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        foreach (int classes in Enumerable.Range(2, 34).Concat([63, 64, 65, 1000, 1031]))
            data.Add(dtype, classes);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SoftmaxCrossEntropy_matches_a_scalar_reference_at_every_row_length(DType dtype, int classes)
    {
        const int rows = 3;
        const double smoothing = 0.2;
        var logitValues = Tensor.Randn([rows, classes], seed: (ulong)classes, DType.Float64) * 6;
        var weightValues = Tensor.Uniform([classes], 0.5, 2, new Generator(7), DType.Float64);
        int[] labels = [0, classes - 1, classes / 2];
        var logits = logitValues.To(dtype).RequireGrad();
        var loss = Losses.SoftmaxCrossEntropy(logits, labels, weightValues.To(dtype), labelSmoothing: smoothing);
        loss.Backward();

        // The definition, in double: a = (1 − ε)·w_y·onehot + (ε/C)·w; loss = Σ a·(−log p) / Σ w_y; gradient (A·p − a) / Σ w_y.
        var z = logitValues.To(dtype).To(DType.Float64).ToArray<double>();
        var w = weightValues.To(dtype).To(DType.Float64).ToArray<double>();
        double total = 0, normaliser = labels.Sum(l => w[l]);
        var gradient = new double[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            var row = z.AsSpan(r * classes, classes);
            double max = row.ToArray().Max(), logSum = Math.Log(row.ToArray().Sum(v => Math.Exp(v - max)));
            var a = w.Select(wc => smoothing / classes * wc).ToArray();
            a[labels[r]] += (1 - smoothing) * w[labels[r]];
            for (int c = 0; c < classes; c++)
            {
                total += a[c] * (max - row[c] + logSum);
                gradient[r * classes + c] = (a.Sum() * Math.Exp(row[c] - max - logSum) - a[c]) / normaliser;
            }
        }
        double tolerance = dtype == DType.Float32 ? 2e-6 : 1e-12;
        HeadAssert.Close(total / normaliser, loss, tolerance, what: "loss");
        HeadAssert.Close(gradient, logits.Grad!, tolerance, tolerance * gradient.Max(Math.Abs), "gradient");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SigmoidBce_matches_a_scalar_reference_at_every_length(DType dtype, int classes)
    {
        foreach (int rows in new[] { 1, 3 })
        {
            var logitValues = (Tensor.Randn([rows, classes], seed: (ulong)(classes + rows), DType.Float64) * 6).To(dtype);
            var targetValues = Tensor.Uniform([rows, classes], 0, 1, new Generator(8), DType.Float64).To(dtype);
            var posWeight = Tensor.Uniform([classes], 0.5, 3, new Generator(9), DType.Float64).To(dtype);
            var weight = Tensor.Uniform([rows, 1], 0.5, 2, new Generator(10), DType.Float64).To(dtype);
            CheckBce(logitValues, targetValues, null, null, Reduction.Mean);
            CheckBce(logitValues, targetValues, weight, posWeight, Reduction.Sum);
            CheckBce(logitValues, targetValues, null, posWeight, Reduction.None);
        }
    }

    [Theory]
    [InlineData(700, 3)]     // rows of 3 tile the 1024-element segments as 341 whole rows
    [InlineData(3, 2500)]    // rows longer than a segment are cut into pieces
    [InlineData(5, 1024)]
    [InlineData(2, 1)]
    public void SigmoidBce_weighted_path_lines_up_per_class_weights_across_segments(int rows, int classes)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var logits = (Tensor.Randn([rows, classes], seed: 50, DType.Float64) * 4).To(dtype);
            var targets = Tensor.Rand([rows, classes], seed: 51, DType.Float64).To(dtype);
            var posWeight = Tensor.Uniform([classes], 0.5, 3, new Generator(52), DType.Float64).To(dtype);
            var weight = Tensor.Uniform([classes], 0.1, 2, new Generator(53), DType.Float64).To(dtype);
            CheckBce(logits, targets, weight, posWeight, Reduction.None);
            CheckBce(logits, targets, weight, posWeight, Reduction.Mean);
        }
    }

    /// <summary>The fused BCE against the definition w·[(1 − y)·softplus(z) + pw·y·softplus(−z)] in double, with its gradient.</summary>
    private static void CheckBce(Tensor logitValues, Tensor targets, Tensor? weight, Tensor? posWeight, Reduction reduction)
    {
        var logits = logitValues.Detach().Clone().RequireGrad();
        var loss = Losses.SigmoidBinaryCrossEntropy(logits, targets, weight, posWeight, reduction);
        var seed = reduction == Reduction.None ? Tensor.Uniform(logits.Shape, -1, 1, new Generator(11), logits.DType) : null;
        loss.Backward(seed);

        int rows = logits.Shape[0], classes = logits.Shape[1], count = rows * classes;
        var z = HeadAssert.Values(logits);
        var y = HeadAssert.Values(targets);
        var g = seed is null ? Enumerable.Repeat(1.0, count).ToArray() : HeadAssert.Values(seed);
        var losses = new double[count];
        var gradient = new double[count];
        for (int i = 0; i < count; i++)
        {
            double w = weight is null ? 1 : weight.ElementCount == rows ? weight.GetFlat(i / classes) : weight.GetFlat(i % classes);
            double pw = posWeight is null ? 1 : posWeight.GetFlat(i % classes);
            losses[i] = w * ((1 - y[i]) * Softplus(z[i]) + pw * y[i] * Softplus(-z[i]));
            gradient[i] = g[i] * w * ((1 - y[i]) * Sigmoid(z[i]) - pw * y[i] * Sigmoid(-z[i])) / (reduction == Reduction.Mean ? count : 1);
        }
        double tolerance = logits.DType == DType.Float32 ? 2e-6 : 1e-12;
        double[] expected = reduction switch
        {
            Reduction.None => losses,
            Reduction.Sum => [losses.Sum()],
            _ => [losses.Sum() / count],
        };
        HeadAssert.Close(expected, loss, tolerance, tolerance * losses.Max(), $"{reduction} loss");
        HeadAssert.Close(gradient, logits.Grad!, tolerance, tolerance * gradient.Max(Math.Abs), $"{reduction} gradient");
    }

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    private static double Softplus(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        double log1p = e < 1e-4 ? e - e * e / 2 + e * e * e / 3 - e * e * e * e / 4 : Math.Log(1 + e);
        return Math.Max(x, 0) + log1p;
    }
}
