using System.Xml.Linq;
using MiniNet.Reporting;

namespace MiniNet.Tests.Reporting;

// Reference values from scikit-learn 1.2.1 (Debian's python3-sklearn), which agree with the fractions worked by hand:
//   from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, f1_score, precision_score, recall_score
//   y_true = [0,0,0,1,1,2,2,2,2,0]; y_pred = [0,0,1,1,0,1,1,0,1,0]
//   confusion_matrix(y_true, y_pred)                                   -> [[3 1 0] [1 1 0] [1 3 0]]
//   precision_recall_fscore_support(y_true, y_pred, zero_division=0)   -> P [0.6 0.2 0.], R [0.75 0.5 0.], F1 [0.6667 0.2857 0.], support [4 2 4]
//   f1_score / precision_score / recall_score(average='macro', zero_division=0) -> 0.31746031746031744, 0.26666666666666666, 0.4166666666666667
public class ConfusionMatrixTests
{
    private static readonly int[] Targets = [0, 0, 0, 1, 1, 2, 2, 2, 2, 0];
    private static readonly int[] Predicted = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0];
    private static ConfusionMatrix Small() => new(Predicted, Targets, classCount: 3, ["cat", "dog", "bird"]);

    [Fact]
    public void Rows_are_true_classes_and_columns_predicted_ones()
    {
        var matrix = Small();
        int[,] expected = { { 3, 1, 0 }, { 1, 1, 0 }, { 1, 3, 0 } };
        for (int t = 0; t < 3; t++)
            for (int p = 0; p < 3; p++)
                Assert.Equal(expected[t, p], matrix[t, p]);
        Assert.Equal(10, matrix.Total);
        Assert.Equal([4, 2, 4], Enumerable.Range(0, 3).Select(matrix.Support));
        Assert.Equal([5, 5, 0], Enumerable.Range(0, 3).Select(matrix.PredictedCount));
    }

    [Fact]
    public void Per_class_scores_match_the_hand_worked_fractions()
    {
        var matrix = Small();
        Assert.Equal(0.4, matrix.Accuracy);
        Assert.Equal(3.0 / 5, matrix.Precision(0));
        Assert.Equal(1.0 / 5, matrix.Precision(1));
        Assert.Equal(3.0 / 4, matrix.Recall(0));
        Assert.Equal(1.0 / 2, matrix.Recall(1));
        Assert.Equal(2.0 / 3, matrix.F1(0)); // 2·3 / (2·3 + 2 + 1)
        Assert.Equal(2.0 / 7, matrix.F1(1)); // 2·1 / (2·1 + 4 + 1)
    }

    [Fact]
    public void A_class_never_predicted_has_precision_zero_by_the_zero_division_rule()
    {
        var matrix = Small();
        Assert.Equal(0, matrix.PredictedCount(2));
        Assert.Equal(0, matrix.Precision(2)); // 0 / 0 counts as 0, as scikit-learn's zero_division=0
        Assert.Equal(0, matrix.Recall(2));    // 0 / 4
        Assert.Equal(0, matrix.F1(2));        // 0 / (0 + 0 + 4)
    }

    [Fact]
    public void Macro_averages_include_the_zero_scores()
    {
        var matrix = Small();
        Assert.Equal(0.26666666666666666, matrix.MacroPrecision, 15); // (0.6 + 0.2 + 0) / 3
        Assert.Equal(0.4166666666666667, matrix.MacroRecall, 15);     // (0.75 + 0.5 + 0) / 3
        Assert.Equal(20.0 / 63, matrix.MacroF1, 15);                  // (2/3 + 2/7 + 0) / 3
    }

    [Fact]
    public void Matrix_text_has_class_names_as_headers_and_aligned_columns()
    {
        Assert.Equal(
            """
            true \ predicted  cat  dog  bird
            cat                 3    1     0
            dog                 1    1     0
            bird                1    3     0

            """.ReplaceLineEndings("\n"),
            Small().FormatMatrix());
    }

    [Fact]
    public void Report_lists_scores_per_class_then_accuracy_and_macro_averages()
    {
        Assert.Equal(
            """
            class      precision  recall  f1-score  support
            cat           0.6000  0.7500    0.6667        4
            dog           0.2000  0.5000    0.2857        2
            bird          0.0000  0.0000    0.0000        4

            accuracy                        0.4000       10
            macro avg     0.2667  0.4167    0.3175       10

            """.ReplaceLineEndings("\n"),
            Small().FormatReport());
    }

    [Fact]
    public void Long_class_names_keep_every_column_aligned()
    {
        string[] names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
        var targets = Enumerable.Range(0, 1000).Select(i => i % 10).ToArray();
        var predicted = targets.Select((t, i) => i % 7 == 0 ? (t + 3) % 10 : t).ToArray();
        string[] lines = new ConfusionMatrix(predicted, targets, 10, names).FormatMatrix().TrimEnd('\n').Split('\n');

        Assert.Equal(11, lines.Length);
        Assert.All(lines, line => Assert.Equal(lines[0].Length, line.Length)); // right-aligned last column, no trailing spaces
        Assert.StartsWith(@"true \ predicted  T-shirt/top  Trouser", lines[0]);
        Assert.StartsWith("Ankle boot      ", lines[10]);
        // Each count ends where its column's name ends.
        int trouserEnd = lines[0].IndexOf("Trouser", StringComparison.Ordinal) + "Trouser".Length;
        Assert.All(lines.Skip(1), line => Assert.NotEqual(' ', line[trouserEnd - 1]));
        Assert.All(lines.Skip(1), line => Assert.Equal(' ', line[trouserEnd]));
    }

    [Fact]
    public void Bad_labels_are_rejected_with_their_position()
    {
        Assert.Contains("targets[1] = 3 is outside [0, 3)", Assert.Throws<ArgumentException>(() => new ConfusionMatrix([0, 1], [0, 3], 3)).Message);
        Assert.Contains("predicted[0] = -1", Assert.Throws<ArgumentException>(() => new ConfusionMatrix([-1, 1], [0, 1], 3)).Message);
        Assert.Contains("2 predictions but 3 targets", Assert.Throws<ArgumentException>(() => new ConfusionMatrix([0, 1], [0, 1, 2], 3)).Message);
        Assert.Contains("2 class names for 3 classes", Assert.Throws<ArgumentException>(() => new ConfusionMatrix([0], [0], 3, ["a", "b"])).Message);
        Assert.Throws<ArgumentException>(() => new ConfusionMatrix([], [], 3));
    }

    [Fact]
    public void Default_class_names_are_the_indices()
    {
        var matrix = new ConfusionMatrix([0, 1], [1, 1], 2);
        Assert.Equal(["0", "1"], matrix.ClassNames);
    }

    [Fact]
    public void Heat_map_is_well_formed_svg_with_every_count_and_name()
    {
        XNamespace svg = "http://www.w3.org/2000/svg";
        var document = XDocument.Parse(new ConfusionMatrix(Predicted, Targets, 3, ["cat", "dog", "T-shirt/top & <b>"]).ToSvg());
        var texts = document.Descendants(svg + "text").Select(t => t.Value).ToArray();
        string[] expected =
        [
            "Confusion matrix", "shade: share of the true class's samples (row)",
            "3", "1", "0", "cat",                 // each row's counts, then its name
            "1", "1", "0", "dog",
            "1", "3", "0", "T-shirt/top & <b>",
            "cat", "dog", "T-shirt/top & <b>",    // column names
            "true class", "predicted class",
        ];
        Assert.Equal(expected, texts);
    }
}
