using MiniNet.Reporting;

namespace MiniNet.Tests.Reporting;

// Reference values from scikit-learn 1.2.1 (Debian's python3-sklearn), which agree with the fractions worked by hand:
//   from sklearn.metrics import precision_recall_fscore_support as prfs, hamming_loss, accuracy_score
//   T = np.array([[1,0,1,0],[0,1,1,0],[1,0,0,0],[1,1,0,0]]); P = np.array([[1,0,1,0],[0,0,1,0],[1,0,0,0],[0,0,0,0]])
//   prfs(T, P, zero_division=0)  -> P [1 0 1 0], R [0.6667 0 1 0], F1 [0.8 0 1 0], support [3 2 2 0]
//   prfs(T, P, average='micro', zero_division=0) -> 1.0, 0.5714285714285714, 0.7272727272727273
//   prfs(T, P, average='macro', zero_division=0) -> 0.5, 0.41666666666666663, 0.45
//   hamming_loss(T, P) -> 0.1875; accuracy_score(T, P) -> 0.5
//   second example: T2 = [[1,0,0],[0,1,1],[1,0,0]], P2 = [[1,0,1],[0,0,1],[1,1,0]]
//   prfs(T2, P2, zero_division=0) -> P [1 0 0.5], R [1 0 1], F1 [1 0 0.6667]; micro 0.6, 0.75, 0.6666666666666665;
//   macro 0.5, 0.6666666666666666, 0.5555555555555555; hamming 0.3333333333333333; exact match 0.0
public class MultiLabelMetricsTests
{
    // Four samples, four attributes. Attribute 1 ("footwear") occurs twice and is never predicted;
    // attribute 3 ("bag") neither occurs nor is predicted.
    private static readonly bool[,] Targets =
    {
        { true, false, true, false },
        { false, true, true, false },
        { true, false, false, false },
        { true, true, false, false },
    };
    private static readonly bool[,] Predicted =
    {
        { true, false, true, false },   // exact match
        { false, false, true, false },  // footwear missed
        { true, false, false, false },  // exact match
        { false, false, false, false }, // upper body and footwear missed
    };
    private static readonly string[] Names = ["upper body", "footwear", "has sleeves", "bag"];

    private static MultiLabelMetrics Example() => new(Predicted, Targets, Names);

    [Fact]
    public void Per_attribute_scores_match_the_hand_worked_fractions()
    {
        var metrics = Example();
        Assert.Equal(1.0, metrics.Precision(0));     // tp 2, fp 0
        Assert.Equal(2.0 / 3, metrics.Recall(0));    // tp 2, fn 1
        Assert.Equal(0.8, metrics.F1(0));            // 4 / (4 + 0 + 1)
        Assert.Equal((1.0, 1.0, 1.0), (metrics.Precision(2), metrics.Recall(2), metrics.F1(2)));
        Assert.Equal([3L, 2L, 2L, 0L], Enumerable.Range(0, 4).Select(metrics.Support));
    }

    [Fact]
    public void Attributes_never_predicted_score_zero_by_the_zero_division_rule()
    {
        var metrics = Example();
        Assert.Equal(0, metrics.Precision(1)); // never predicted: 0 / 0 counts as 0
        Assert.Equal(0, metrics.Recall(1));    // 0 / 2
        Assert.Equal(0, metrics.F1(1));
        Assert.Equal(0, metrics.Precision(3)); // neither occurs nor is predicted: every ratio is 0 / 0
        Assert.Equal(0, metrics.Recall(3));
        Assert.Equal(0, metrics.F1(3));
    }

    [Fact]
    public void Micro_averages_pool_the_counts()
    {
        var metrics = Example(); // Σtp 4, Σfp 0, Σfn 3
        Assert.Equal(1.0, metrics.MicroPrecision);
        Assert.Equal(4.0 / 7, metrics.MicroRecall);
        Assert.Equal(8.0 / 11, metrics.MicroF1);
    }

    [Fact]
    public void Macro_averages_are_plain_means_including_the_zeros()
    {
        var metrics = Example();
        Assert.Equal(0.5, metrics.MacroPrecision);                 // (1 + 0 + 1 + 0) / 4
        Assert.Equal(0.41666666666666663, metrics.MacroRecall, 15); // (2/3 + 0 + 1 + 0) / 4
        Assert.Equal(0.45, metrics.MacroF1, 15);                    // (0.8 + 0 + 1 + 0) / 4
    }

    [Fact]
    public void Hamming_loss_and_exact_match_ratio()
    {
        var metrics = Example();
        Assert.Equal(3.0 / 16, metrics.HammingLoss); // three wrong entries of sixteen
        Assert.Equal(2, metrics.ExactMatches);
        Assert.Equal(0.5, metrics.ExactMatchRatio);
    }

    [Fact]
    public void False_positives_lower_precision()
    {
        bool[,] targets = { { true, false, false }, { false, true, true }, { true, false, false } };
        bool[,] predicted = { { true, false, true }, { false, false, true }, { true, true, false } };
        var metrics = new MultiLabelMetrics(predicted, targets);
        Assert.Equal([1.0, 0.0, 0.5], Enumerable.Range(0, 3).Select(metrics.Precision));
        Assert.Equal([1.0, 0.0, 1.0], Enumerable.Range(0, 3).Select(metrics.Recall));
        Assert.Equal(2.0 / 3, metrics.F1(2));
        Assert.Equal((0.6, 0.75), (metrics.MicroPrecision, metrics.MicroRecall));
        Assert.Equal(2.0 / 3, metrics.MicroF1, 15);
        Assert.Equal(5.0 / 9, metrics.MacroF1, 15);
        Assert.Equal(1.0 / 3, metrics.HammingLoss);
        Assert.Equal(0, metrics.ExactMatchRatio);
        Assert.Equal(["0", "1", "2"], metrics.AttributeNames);
    }

    [Fact]
    public void Tensors_of_zeros_and_ones_give_the_same_scores()
    {
        var targets = Tensor.FromArray(new float[,] { { 1, 0, 1, 0 }, { 0, 1, 1, 0 }, { 1, 0, 0, 0 }, { 1, 1, 0, 0 } });
        var predicted = Tensor.FromArray(new double[,] { { 1, 0, 1, 0 }, { 0, 0, 1, 0 }, { 1, 0, 0, 0 }, { 0, 0, 0, 0 } });
        var metrics = MultiLabelMetrics.FromTensors(predicted, targets, Names);
        Assert.Equal(Example().Format(), metrics.Format());
    }

    [Fact]
    public void Scores_are_thresholded_strictly_above()
    {
        var targets = Tensor.FromArray(new float[,] { { 1, 0 }, { 0, 1 } });
        var logits = Tensor.FromArray(new float[,] { { 2.5f, 0f }, { -1f, 0.1f } }); // 0 is not above 0: predicted absent
        var metrics = MultiLabelMetrics.FromScores(logits, targets, threshold: 0);
        Assert.Equal(1.0, metrics.ExactMatchRatio);
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_what_was_expected()
    {
        var ok = Tensor.FromArray(new float[,] { { 1, 0 }, { 0, 1 } });
        Assert.Contains("[1, 1] = 0.5; expected 0 or 1",
            Assert.Throws<ArgumentException>(() => MultiLabelMetrics.FromTensors(Tensor.FromArray(new float[,] { { 1, 0 }, { 0, 0.5f } }), ok)).Message);
        Assert.Contains("expected [samples, attributes]",
            Assert.Throws<ArgumentException>(() => MultiLabelMetrics.FromTensors(Tensor.FromArray(new float[] { 1, 0 }), ok)).Message);
        Assert.Contains("predictions are [2, 3] but targets are [2, 2]",
            Assert.Throws<ArgumentException>(() => new MultiLabelMetrics(new bool[2, 3], new bool[2, 2])).Message);
        Assert.Contains("1 attribute names for 2 attributes",
            Assert.Throws<ArgumentException>(() => new MultiLabelMetrics(new bool[2, 2], new bool[2, 2], ["a"])).Message);
        Assert.Throws<ArgumentException>(() => new MultiLabelMetrics(new bool[0, 2], new bool[0, 2]));
        Assert.Contains("is NaN",
            Assert.Throws<ArgumentException>(() => MultiLabelMetrics.FromScores(Tensor.FromArray(new float[,] { { float.NaN, 0 }, { 0, 0 } }), ok, 0)).Message);
        Assert.Contains("threshold is NaN, which no score exceeds",
            Assert.Throws<ArgumentOutOfRangeException>(() => MultiLabelMetrics.FromScores(ok, ok, double.NaN)).Message);
    }

    [Fact]
    public void Table_lists_attributes_then_averages_hamming_loss_and_exact_match()
    {
        Assert.Equal(
            """
            attribute     precision  recall  f1-score  support
            upper body       1.0000  0.6667    0.8000        3
            footwear         0.0000  0.0000    0.0000        2
            has sleeves      1.0000  1.0000    1.0000        2
            bag              0.0000  0.0000    0.0000        0

            micro avg        1.0000  0.5714    0.7273        7
            macro avg        0.5000  0.4167    0.4500        7

            hamming loss                       0.1875
            exact match                        0.5000        4

            """.ReplaceLineEndings("\n"),
            Example().Format());
    }
}
