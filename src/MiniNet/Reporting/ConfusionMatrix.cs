using System.Globalization;

namespace MiniNet.Reporting;

/// <summary>
/// How often each true class was predicted as each class (rows: true class, columns: predicted class, as
/// scikit-learn's <c>confusion_matrix</c> and torchmetrics), with per-class precision, recall and F1, the overall
/// accuracy, and renderings as aligned text and as an SVG heat map.
/// </summary>
/// <remarks>
/// The scores follow scikit-learn's definitions with <c>zero_division=0</c>: a class that is never predicted has
/// precision 0, a class that never occurs has recall 0, and F1 = 2·tp / (2·tp + fp + fn) is 0 when both are undefined.
/// <code>
/// var matrix = new ConfusionMatrix(logits.ArgMax(), labels, classCount: 10, classNames);
/// Console.Write(matrix);            // the counts, then precision / recall / F1 per class
/// matrix.SaveSvg("confusion.svg");
/// </code>
/// </remarks>
public sealed partial class ConfusionMatrix
{
    private readonly int[,] _counts; // [true class, predicted class]
    private readonly string[] _classNames;

    /// <summary>Counts the pairs (<paramref name="targets"/>[i], <paramref name="predicted"/>[i]).</summary>
    /// <param name="predicted">The predicted class of each sample, in [0, classCount).</param>
    /// <param name="targets">The true class of each sample, in [0, classCount).</param>
    /// <param name="classCount">The number of classes (at least 2).</param>
    /// <param name="classNames">A name per class for the renderings; "0", "1", … when null.</param>
    /// <exception cref="ArgumentException">The label arrays differ in length or are empty, a label is out of range, or the names do not match the class count.</exception>
    /// <exception cref="ArgumentNullException">A class name is null.</exception>
    public ConfusionMatrix(ReadOnlySpan<int> predicted, ReadOnlySpan<int> targets, int classCount, IReadOnlyList<string>? classNames = null)
    {
        for (int c = 0; classNames is not null && c < classNames.Count; c++)
            if (classNames[c] is null) throw new ArgumentNullException(nameof(classNames), $"ConfusionMatrix: class name {c} of {classNames.Count} is null.");
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "ConfusionMatrix: at least two classes are needed.");
        if (predicted.Length != targets.Length)
            throw new ArgumentException($"ConfusionMatrix: {predicted.Length} predictions but {targets.Length} targets; give one prediction per target.", nameof(predicted));
        if (targets.Length == 0) throw new ArgumentException("ConfusionMatrix: there are no samples to count.", nameof(targets));
        if (classNames is not null && classNames.Count != classCount)
            throw new ArgumentException($"ConfusionMatrix: {classNames.Count} class names for {classCount} classes.", nameof(classNames));

        _classNames = classNames?.ToArray() ?? Enumerable.Range(0, classCount).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        _counts = new int[classCount, classCount];
        for (int i = 0; i < targets.Length; i++)
        {
            int target = targets[i], prediction = predicted[i];
            if ((uint)target >= (uint)classCount)
                throw new ArgumentException($"ConfusionMatrix: targets[{i}] = {target} is outside [0, {classCount}).", nameof(targets));
            if ((uint)prediction >= (uint)classCount)
                throw new ArgumentException($"ConfusionMatrix: predicted[{i}] = {prediction} is outside [0, {classCount}).", nameof(predicted));
            _counts[target, prediction]++;
        }
        Total = targets.Length;
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount => _classNames.Length;

    /// <summary>The class names, in class order.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>The number of samples counted.</summary>
    public int Total { get; }

    /// <summary>How many samples of class <paramref name="target"/> were predicted as <paramref name="predicted"/>.</summary>
    /// <exception cref="IndexOutOfRangeException">A class index is outside [0, <see cref="ClassCount"/>).</exception>
    public int this[int target, int predicted] => _counts[target, predicted];

    /// <summary>The number of samples whose true class is <paramref name="classIndex"/> (the row sum; scikit-learn's "support").</summary>
    public int Support(int classIndex)
    {
        int sum = 0;
        for (int p = 0; p < ClassCount; p++) sum += _counts[classIndex, p];
        return sum;
    }

    /// <summary>The number of samples predicted as <paramref name="classIndex"/> (the column sum).</summary>
    public int PredictedCount(int classIndex)
    {
        int sum = 0;
        for (int t = 0; t < ClassCount; t++) sum += _counts[t, classIndex];
        return sum;
    }

    /// <summary>The share of samples predicted correctly (the diagonal over the total).</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int c = 0; c < ClassCount; c++) correct += _counts[c, c];
            return (double)correct / Total;
        }
    }

    /// <summary>Of the samples predicted as <paramref name="classIndex"/>, the share that are; 0 when it is never predicted.</summary>
    public double Precision(int classIndex) => ClassificationScores.Precision(_counts[classIndex, classIndex], PredictedCount(classIndex) - _counts[classIndex, classIndex]);

    /// <summary>Of the samples of class <paramref name="classIndex"/>, the share predicted as it; 0 when it never occurs.</summary>
    public double Recall(int classIndex) => ClassificationScores.Recall(_counts[classIndex, classIndex], Support(classIndex) - _counts[classIndex, classIndex]);

    /// <summary>The F1 score of <paramref name="classIndex"/>: 2·tp / (2·tp + fp + fn), 0 when it neither occurs nor is predicted.</summary>
    public double F1(int classIndex)
    {
        int truePositives = _counts[classIndex, classIndex];
        return ClassificationScores.F1(truePositives, PredictedCount(classIndex) - truePositives, Support(classIndex) - truePositives);
    }

    /// <summary>The unweighted mean of the per-class precisions (scikit-learn's <c>average="macro"</c>).</summary>
    public double MacroPrecision => MeanOverClasses(Precision);

    /// <summary>The unweighted mean of the per-class recalls.</summary>
    public double MacroRecall => MeanOverClasses(Recall);

    /// <summary>The unweighted mean of the per-class F1 scores.</summary>
    public double MacroF1 => MeanOverClasses(F1);

    private double MeanOverClasses(Func<int, double> score)
    {
        double sum = 0;
        for (int c = 0; c < ClassCount; c++) sum += score(c);
        return sum / ClassCount;
    }

    /// <summary>
    /// The counts as an aligned text table with the class names as row (true) and column (predicted) headers:
    /// <code>
    /// true \ predicted  cat  dog  bird
    /// cat                 5    1     0
    /// </code>
    /// </summary>
    public string FormatMatrix()
    {
        var table = new TextTable([@"true \ predicted", .. _classNames]);
        for (int t = 0; t < ClassCount; t++)
        {
            var row = new string[ClassCount + 1];
            row[0] = _classNames[t];
            for (int p = 0; p < ClassCount; p++) row[p + 1] = _counts[t, p].ToString(CultureInfo.InvariantCulture);
            table.Add(row);
        }
        return table.ToString();
    }

    /// <summary>
    /// Precision, recall, F1 and support per class, then the accuracy and the macro averages, laid out as
    /// scikit-learn's <c>classification_report</c> (four decimals).
    /// </summary>
    public string FormatReport()
    {
        var table = new TextTable("class", "precision", "recall", "f1-score", "support");
        for (int c = 0; c < ClassCount; c++)
            table.Add(_classNames[c], TextTable.Score(Precision(c)), TextTable.Score(Recall(c)), TextTable.Score(F1(c)), TextTable.Count(Support(c)));
        table.AddBlankLine();
        table.Add("accuracy", "", "", TextTable.Score(Accuracy), TextTable.Count(Total));
        table.Add("macro avg", TextTable.Score(MacroPrecision), TextTable.Score(MacroRecall), TextTable.Score(MacroF1), TextTable.Count(Total));
        return table.ToString();
    }

    /// <summary>The matrix (<see cref="FormatMatrix"/>), a blank line, then the report (<see cref="FormatReport"/>).</summary>
    public override string ToString() => FormatMatrix() + "\n" + FormatReport();
}
