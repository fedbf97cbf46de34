namespace MiniNet.Tests.Heads;

/// <summary>The head linter: every input a head cannot mean is refused with a message that names the place, the value and the fix.</summary>
public class HeadLinterTests
{
    private static Tensor Logits(params int[] shape) => Tensor.Randn(shape, seed: 5);

    private static string Refused(Action call) => Assert.ThrowsAny<ArgumentException>(call).Message;

    private static void Contains(string message, params string[] parts)
    {
        foreach (string part in parts) Assert.Contains(part, message);
    }

    // ---- the softmax head

    [Fact]
    public void Softmax_head_refuses_multi_hot_targets_and_points_to_the_sigmoid_head()
    {
        var targets = Tensor.FromArray(new float[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 0, 1 } });
        string message = Refused(() => Losses.SoftmaxCrossEntropy(Logits(4, 3), targets));
        Assert.Equal(
            "SoftmaxCrossEntropy: row 3 of the targets has 2 classes set to 1 (multi-label); softmax models one class per example — " +
            "use the sigmoid head (Losses.SigmoidBinaryCrossEntropy) for multi-label targets. (Parameter 'targets')", message);
    }

    [Fact]
    public void Softmax_head_names_the_position_of_a_multi_hot_row_of_N_C_d_targets()
    {
        var targets = Tensor.Zeros([2, 3, 2]).Fill(0);
        var values = targets.ToArray<float>();
        // [n, c, d]: every (n, d) one-hot on class 0, except (1, 1), which has classes 0 and 2.
        for (int n = 0; n < 2; n++) for (int d = 0; d < 2; d++) values[(n * 3 + 0) * 2 + d] = 1;
        values[(1 * 3 + 2) * 2 + 1] = 1;
        string message = Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 3, 2), Tensor.FromArray(values, [2, 3, 2])));
        Contains(message, "row [1, 1] of the targets has 2 classes set to 1 (multi-label)", "sigmoid head");
    }

    [Fact]
    public void Softmax_head_refuses_a_single_class_and_points_to_the_sigmoid_head()
    {
        string message = Refused(() => Losses.SoftmaxCrossEntropy(Logits(8, 1), new int[8]));
        Contains(message, "logits of shape [8, 1] have a single class", "always 1", "sigmoid head (Losses.SigmoidBinaryCrossEntropy)");
        Contains(Refused(() => new SoftmaxHead().Predict(Logits(8, 1))), "SoftmaxHead.Predict", "single class");
        Contains(Refused(() => new SoftmaxHead().Probabilities(Logits(8, 1))), "SoftmaxHead.Probabilities", "single class");
    }

    [Fact]
    public void Softmax_head_refuses_scalar_logits_and_logits_without_classes()
    {
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Tensor.Scalar(1), [0])), "logits are a scalar", "[N, C]");
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(3, 0), new int[3])), "have no classes");
    }

    [Theory]
    [InlineData(5, "row 2 has label 5, but the logits have 5 classes (labels 0 to 4; ignoreIndex -100 marks a row to skip)")]
    [InlineData(-1, "row 2 has label -1, but the logits have 5 classes")]
    [InlineData(-100, null)]
    public void Softmax_head_names_the_row_the_label_and_the_class_count(int label, string? expected)
    {
        int[] labels = [0, 4, label, 1];
        if (expected is null)
        {
            Losses.SoftmaxCrossEntropy(Logits(4, 5), labels); // the default ignoreIndex: a row to skip, not an error
            return;
        }
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(4, 5), labels)), expected);
        var asTensor = Tensor.FromArray(labels.Select(l => (float)l).ToArray());
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(4, 5), asTensor)), expected);
    }

    [Fact]
    public void Softmax_head_refuses_the_wrong_number_of_labels()
    {
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(4, 5), [1, 2, 3])), "3 labels for logits of shape [4, 5], which have 4 rows");
    }

    [Fact]
    public void Softmax_head_refuses_targets_of_neither_shape_naming_both()
    {
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(4, 5), Tensor.Zeros([3]))),
            "targets of shape [3] fit logits of shape [4, 5] neither as class indices (expected [4]) nor as probabilities (expected [4, 5])");
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(4, 5), Tensor.Zeros([5, 4]))), "[5, 4]", "[4, 5]");
    }

    [Theory]
    [InlineData(1.5, "element [1] is 1.5, not a whole number")]
    [InlineData(double.NaN, "element [1] is NaN, not a whole number")]
    [InlineData(double.PositiveInfinity, "element [1] is Infinity, not a whole number")]
    public void Softmax_head_refuses_index_targets_that_are_not_whole_numbers(double value, string expected)
    {
        var targets = Tensor.FromArray(new[] { 0.0, value, 2.0 });
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(3, 4).To(DType.Float64), targets)), expected, "probabilities of the logits' shape [3, 4]");
    }

    [Fact]
    public void Softmax_head_refuses_probability_rows_that_do_not_sum_to_one()
    {
        var low = Tensor.FromArray(new float[,] { { 0.5f, 0.5f, 0 }, { 0.3f, 0.3f, 0.3f } });
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 3), low)), "row 1 of the probability targets sums to 0.9", "not 1 (within 1e-4)");
        var high = Tensor.FromArray(new float[,] { { 0.5f, 0.5f, 0.5f }, { 0.2f, 0.3f, 0.5f } });
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 3), high)), "row 0 of the probability targets sums to 1.5",
            "several classes at once, use the sigmoid head");
        var withinTolerance = Tensor.FromArray(new float[,] { { 0.50004f, 0.5f, 0 } });
        Losses.SoftmaxCrossEntropy(Logits(1, 3), withinTolerance);
    }

    [Fact]
    public void Softmax_head_refuses_negative_and_NaN_probabilities()
    {
        var negative = Tensor.FromArray(new float[,] { { 0.2f, 0.8f, 0 }, { 0.6f, 0.5f, -0.1f } });
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 3), negative)), "row 1 of the probability targets is -0.1 at class 2", "≥ 0");
        var nan = Tensor.FromArray(new float[,] { { 0.2f, float.NaN, 0.8f } });
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(1, 3), nan)), "row 0 of the probability targets is NaN at class 1");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Softmax_head_refuses_label_smoothing_outside_0_to_1(double smoothing)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 1], labelSmoothing: smoothing));
        Contains(error.Message, "labelSmoothing is", "expected a value in [0, 1]");
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxHead(labelSmoothing: smoothing));
    }

    [Fact]
    public void Softmax_head_refuses_a_weight_that_is_not_one_per_class()
    {
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 5), [0, 1], Tensor.Ones([3]))),
            "weight has shape [3]; expected [5], one weight per class of the logits [2, 5]");
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 5), [0, 1], Tensor.Ones([1, 5]))), "weight has shape [1, 5]; expected [5]");
    }

    [Fact]
    public void Softmax_head_refuses_mixed_dtypes()
    {
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 3).To(DType.Float64), Tensor.Zeros([2]))),
            "the targets are Float32 but the logits Float64", "To(DType.Float64)");
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 1], Tensor.Ones([3], DType.Float64))),
            "the weight is Float64 but the logits Float32");
    }

    [Fact]
    public void Softmax_head_refuses_gradients_it_cannot_give()
    {
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 1], Tensor.Ones([3]).RequireGrad())),
            "weight requires grad", "constants of the loss", "weight.Detach()");
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 3), Tensor.Zeros([2]).RequireGrad())),
            "are class indices, which have no gradient");
    }

    [Fact]
    public void Softmax_head_refuses_ignoreIndex_with_probability_targets_as_PyTorch()
    {
        var probabilities = Tensor.Full([2, 3], 1.0 / 3);
        Contains(Refused(() => Losses.SoftmaxCrossEntropy(Logits(2, 3), probabilities, ignoreIndex: 1)),
            "ignoreIndex 1 applies to class-index targets only");
        Losses.SoftmaxCrossEntropy(Logits(2, 3), probabilities, ignoreIndex: -1); // negative values cannot name a class: allowed, as PyTorch
    }

    // ---- the sigmoid head

    [Fact]
    public void Sigmoid_head_refuses_class_indices_and_points_to_the_softmax_head()
    {
        string message = Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(4, 3), Tensor.FromArray(new float[] { 2, 0, 1, 2 })));
        Contains(message, "targets of shape [4] for logits of shape [4, 3] look like class indices, one per row",
            "of shape [4, 3]", "the softmax head (Losses.SoftmaxCrossEntropy)");
    }

    [Fact]
    public void Sigmoid_head_refuses_integer_targets_of_another_shape_as_class_indices()
    {
        var indices = Tensor.FromArray(new float[,] { { 0, 4 }, { 2, 1 } });
        Contains(Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(2, 5), indices)),
            "targets of shape [2, 2] for logits of shape [2, 5]", "look like class indices (whole numbers up to 4)", "softmax head");
    }

    [Fact]
    public void Sigmoid_head_refuses_other_shape_mismatches_naming_both_shapes()
    {
        Contains(Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(4, 3), Tensor.Zeros([3, 4]))),
            "targets of shape [3, 4] for logits of shape [4, 3]", "exactly the logits' shape");
        Contains(Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(4, 1), Tensor.Zeros([4]))),
            "targets of shape [4] for logits of shape [4, 1]", "Unsqueeze(-1)");
    }

    [Theory]
    [InlineData(1.5f, "element [1, 2] of the targets is 1.5, outside [0, 1]", "")]
    [InlineData(-0.5f, "element [1, 2] of the targets is -0.5, outside [0, 1]", "")]
    [InlineData(3f, "element [1, 2] of the targets is 3, outside [0, 1]", "looks like a class index: for one class per example use the softmax head")]
    [InlineData(float.NaN, "element [1, 2] of the targets is NaN", "")]
    public void Sigmoid_head_names_the_element_and_value_outside_0_to_1(float value, string expected, string hint)
    {
        var targets = Tensor.FromArray(new float[,] { { 0, 1, 0.5f }, { 1, 0, value }, { 0.25f, 1, 0 } });
        Contains(Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(3, 3), targets)), expected, hint);
    }

    [Fact]
    public void Sigmoid_head_refuses_weights_that_do_not_broadcast_to_the_logits()
    {
        var targets = Tensor.Zeros([4, 3]);
        Contains(Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(4, 3), targets, weight: Tensor.Ones([5]))),
            "weight of shape [5] does not broadcast to the logits' shape [4, 3]");
        Contains(Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(4, 3), targets, posWeight: Tensor.Ones([4]))),
            "posWeight of shape [4] does not broadcast to the logits' shape [4, 3]", "one per class, [3]");
        Contains(Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(4, 3), targets, weight: Tensor.Ones([2, 4, 3]))),
            "weight of shape [2, 4, 3] does not broadcast");
    }

    [Fact]
    public void Sigmoid_head_refuses_mixed_dtypes_and_weights_that_require_grad()
    {
        Contains(Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Tensor.Zeros([2, 3], DType.Float64))),
            "targets are Float64 but the logits Float32");
        Contains(Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Tensor.Zeros([2, 3]), posWeight: Tensor.Ones([3], DType.Float64))),
            "posWeight is Float64 but the logits Float32");
        Contains(Refused(() => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Tensor.Zeros([2, 3]), posWeight: Tensor.Ones([3]).RequireGrad())),
            "posWeight requires grad", "posWeight.Detach()");
    }

    [Fact]
    public void Sigmoid_head_refuses_thresholds_that_are_not_probabilities_or_not_one_per_class()
    {
        var head = new SigmoidHead();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => head.Predict(Logits(2, 3), 1.5));
        Contains(error.Message, "threshold 1.5 is not a probability");
        Assert.Throws<ArgumentOutOfRangeException>(() => head.Predict(Logits(2, 3), double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => head.Predict(Logits(2, 3), [0.5, -0.1, 0.5]));
        Contains(Refused(() => head.Predict(Logits(2, 3), [0.5, 0.5])), "2 thresholds for logits of shape [2, 3]; give one per class (3");
    }

    [Fact]
    public void Mean_squared_error_refuses_shapes_it_would_have_to_broadcast()
    {
        Contains(Refused(() => Losses.MeanSquaredError(Logits(4, 1), Tensor.Zeros([4]))), "the input is [4, 1] Float32 but the target [4] Float32");
    }
}
