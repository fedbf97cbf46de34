namespace MiniNet.Tests.Heads;

/// <summary>What a trained model's head gives at inference: probabilities and predictions.</summary>
public class HeadInferenceTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Sigmoid_head_probabilities_are_the_sigmoid_of_each_logit(DType dtype)
    {
        var logits = Tensor.Randn([5, 4], seed: 31, dtype) * 4;
        Assert.Equal(HeadAssert.Values(logits.Sigmoid()), HeadAssert.Values(new SigmoidHead().Probabilities(logits)));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Sigmoid_head_predicts_1_where_the_probability_exceeds_the_threshold(DType dtype)
    {
        var logits = HeadAssert.Make([-2, 0, 1e-6, 3, -1e4, 1e4], [2, 3], dtype).RequireGrad();
        var predicted = new SigmoidHead().Predict(logits);
        Assert.Equal([0.0, 0, 1, 1, 0, 1], HeadAssert.Values(predicted)); // σ(0) = 0.5 is not above 0.5
        Assert.Equal(logits.Shape, predicted.Shape);
        Assert.Equal(dtype, predicted.DType);
        Assert.False(predicted.RequiresGrad);
        Assert.Equal([0.0, 0, 0, 1, 0, 1], HeadAssert.Values(new SigmoidHead().Predict(logits, threshold: 0.9)));
    }

    [Fact]
    public void Sigmoid_head_predicts_with_a_threshold_per_class()
    {
        // σ(0.5) = 0.62, σ(−1) = 0.27, σ(2) = 0.88, σ(3) = 0.95
        var logits = Tensor.FromArray(new float[,] { { 0.5f, 0.5f, 0.5f }, { -1, 2, 3 } });
        var predicted = new SigmoidHead().Predict(logits, [0.5, 0.7, 0.99]);
        Assert.Equal([1.0, 0, 0, 0, 1, 0], HeadAssert.Values(predicted));
    }

    [Fact]
    public void Softmax_head_probabilities_sum_to_one_over_the_class_axis()
    {
        var rows = new SoftmaxHead().Probabilities(Tensor.Randn([4, 6], seed: 32, DType.Float64) * 5);
        Assert.All(HeadAssert.Values(rows.Sum(1)), total => Assert.Equal(1, total, 1e-15));
        var positions = new SoftmaxHead().Probabilities(Tensor.Randn([2, 3, 5], seed: 33, DType.Float64) * 5);
        Assert.All(HeadAssert.Values(positions.Sum(1)), total => Assert.Equal(1, total, 1e-15));
        var single = new SoftmaxHead().Probabilities(Tensor.FromArray(new[] { 1.0, 2.0, 3.0 }));
        Assert.Equal(1, single.Sum().Item(), 1e-15);
    }

    [Fact]
    public void Softmax_head_predicts_the_most_probable_class_of_each_row_the_first_on_ties()
    {
        var logits = Tensor.FromArray(new float[,] { { 0.1f, 2, -1 }, { 5, 5, 1 }, { -3, -2, -1 } }).RequireGrad();
        var predicted = new SoftmaxHead().Predict(logits);
        Assert.Equal([1f, 0, 2], predicted.ToArray<float>()); // a tensor of class indices, as logits.argmax(1)
        Assert.Equal([3], predicted.Shape);
        Assert.False(predicted.RequiresGrad);
        // [N, C, d]: the class axis is 1; one prediction per (n, d), in the logits' dtype.
        var spatial = Tensor.FromArray(new double[] { 1, 0, 0, 2, /* n = 1 */ 0, 9, 3, 1 }, [2, 2, 2]);
        var perPosition = new SoftmaxHead().Predict(spatial);
        Assert.Equal([0.0, 1, 1, 0], perPosition.ToArray<double>());
        Assert.Equal([2, 2], perPosition.Shape);
        // [C]: one example, a scalar prediction.
        Assert.Equal(2, new SoftmaxHead().Predict(Tensor.FromArray(new float[] { 0, 1, 3 })).Item());
    }

    [Fact]
    public void Both_heads_predict_a_tensor_that_Eq_compares_with_the_targets()
    {
        var softmax = new SoftmaxHead();
        var logits = Tensor.FromArray(new float[,] { { 0.1f, 2, -1 }, { 5, 4, 1 }, { -3, -2, -1 } });
        var classes = Tensor.FromArray(new float[] { 1, 1, 2 });
        Assert.Equal([1f, 0, 1], softmax.Predict(logits).Eq(classes).ToArray<float>()); // (logits.argmax(1) == y)

        var sigmoid = new SigmoidHead();
        var tagLogits = Tensor.FromArray(new float[,] { { 2, -1 }, { -3, 0.5f } });
        var tags = Tensor.FromArray(new float[,] { { 1, 1 }, { 0, 1 } });
        Assert.Equal([1f, 0, 1, 1], sigmoid.Predict(tagLogits).Eq(tags).ToArray<float>()); // ((logits > 0) == y)
    }

    [Fact]
    public void Softmax_head_accuracy_is_the_share_of_rows_whose_argmax_is_the_target()
    {
        // argmax per row: 1, 0, 2, 0
        var logits = Tensor.FromArray(new float[,] { { 0.1f, 2, -1 }, { 5, 4, 1 }, { -3, -2, -1 }, { 1, 0, 0 } });
        Assert.Equal(0.75, new SoftmaxHead().Accuracy(logits, [1, 0, 1, 0]));
        Assert.Equal(0.0, new SoftmaxHead().Accuracy(logits, [0, 1, 0, 2]));
        // Rows whose target is ignoreIndex count neither way: 2 right of the 3 left.
        Assert.Equal(2.0 / 3, new SoftmaxHead(ignoreIndex: -1).Accuracy(logits, [1, -1, 0, 0]));
        Assert.True(double.IsNaN(new SoftmaxHead(ignoreIndex: 7).Accuracy(logits, [7, 7, 7, 7])));
        // [N, C, d]: one target per (n, d), as for the loss; argmax per position 0, 1, 1, 0.
        var spatial = Tensor.FromArray(new double[] { 1, 0, 0, 2, /* n = 1 */ 0, 9, 3, 1 }, [2, 2, 2]);
        Assert.Equal(0.5, new SoftmaxHead().Accuracy(spatial, [0, 0, 1, 1]));
    }

    [Fact]
    public void Sigmoid_head_accuracy_is_the_share_of_labels_predicted_right()
    {
        // σ(z) > 0.5 ⇔ z > 0: predictions 1 0 1 / 0 1 0; targets agree on 4 of 6.
        var logits = Tensor.FromArray(new double[,] { { 2, -1, 0.5 }, { -2, 1.5, 0 } });
        var targets = Tensor.FromArray(new double[,] { { 1, 0, 0 }, { 0, 1, 1 } });
        Assert.Equal(4.0 / 6, new SigmoidHead().Accuracy(logits, targets));
        // At threshold 0.9 (z > 2.197…) nothing is predicted: right where the target is 0, 3 of 6.
        Assert.Equal(3.0 / 6, new SigmoidHead().Accuracy(logits, targets, threshold: 0.9));
        // One minus the Hamming loss that MultiLabelMetrics reports for the same predictions.
        var metrics = MiniNet.Reporting.MultiLabelMetrics.FromScores(logits, targets, threshold: 0);
        Assert.Equal(1 - metrics.HammingLoss, new SigmoidHead().Accuracy(logits, targets), 1e-15);
    }

    [Fact]
    public void Heads_pass_their_options_to_the_losses()
    {
        var logits = Tensor.Randn([4, 3], seed: 34, DType.Float64);
        var targets = Tensor.Rand([4, 3], seed: 35, DType.Float64);
        var weight = Tensor.FromArray(new[] { 0.5, 1.0, 2.0 });
        var sigmoid = new SigmoidHead(weight, weight * 3, Reduction.Sum);
        Assert.Equal(Losses.SigmoidBinaryCrossEntropy(logits, targets, weight, weight * 3, Reduction.Sum).Item(), sigmoid.Loss(logits, targets).Item());

        var softmax = new SoftmaxHead(weight, ignoreIndex: 2, labelSmoothing: 0.1, Reduction.None);
        int[] labels = [0, 2, 1, 1];
        var expected = HeadAssert.Values(Losses.SoftmaxCrossEntropy(logits, labels, weight, 2, 0.1, Reduction.None));
        Assert.Equal(expected, HeadAssert.Values(softmax.Loss(logits, labels)));
        Assert.Equal(expected, HeadAssert.Values(softmax.Loss(logits, Tensor.FromArray(new[] { 0.0, 2, 1, 1 }))));
        Assert.Equal(0, expected[1]); // the ignored row
    }
}
