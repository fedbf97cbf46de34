using System.Globalization;

namespace MiniNet.Reporting;

/// <summary>
/// Scores of a multi-label classifier (each sample has any number of K attributes): per-attribute precision,
/// recall and F1, their micro and macro averages, the Hamming loss and the exact-match ratio, with a text table.
/// </summary>
/// <remarks>
/// Every definition is scikit-learn's (<c>precision_recall_fscore_support</c>, <c>hamming_loss</c>,
/// <c>accuracy_score</c> on multi-label input) with <c>zero_division=0</c>: a ratio whose denominator is zero
/// counts as 0. So an attribute that is never predicted has precision 0, one that never occurs has recall 0,
/// and its F1 = 2·tp / (2·tp + fp + fn) is 0 when it neither occurs nor is predicted — and that 0 enters the macro average.
/// <code>
/// var metrics = MultiLabelMetrics.FromScores(logits, targets, threshold: 0, attributeNames); // logit &gt; 0 ⇔ p &gt; 0.5
/// Console.Write(metrics.Format());
/// </code>
/// </remarks>
public sealed class MultiLabelMetrics
{
    private readonly long[] _truePositives, _falsePositives, _falseNegatives;
    private readonly string[] _names;

    /// <summary>Scores <paramref name="predicted"/> against <paramref name="targets"/>, both [samples, attributes].</summary>
    /// <param name="predicted">Whether each attribute was predicted for each sample.</param>
    /// <param name="targets">Whether each attribute is truly present.</param>
    /// <param name="attributeNames">A name per attribute for <see cref="Format"/>; "0", "1", … when null.</param>
    /// <exception cref="ArgumentException">The shapes differ, there are no samples or attributes, or the names do not match the attribute count.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="predicted"/> or <paramref name="targets"/> is null, or an attribute name is.</exception>
    public MultiLabelMetrics(bool[,] predicted, bool[,] targets, IReadOnlyList<string>? attributeNames = null)
        : this(Rows(predicted, nameof(predicted)), predicted.GetLength(1), Rows(targets, nameof(targets)), targets.GetLength(1), attributeNames)
    {
        for (int i = 0; i < SampleCount; i++)
        {
            bool allMatch = true;
            for (int k = 0; k < AttributeCount; k++)
            {
                Tally(k, predicted[i, k], targets[i, k]);
                allMatch &= predicted[i, k] == targets[i, k];
            }
            if (allMatch) ExactMatches++;
        }
    }

    private MultiLabelMetrics(int predictedRows, int predictedColumns, int targetRows, int targetColumns, IReadOnlyList<string>? names)
    {
        for (int k = 0; names is not null && k < names.Count; k++)
            if (names[k] is null) throw new ArgumentNullException("attributeNames", $"MultiLabelMetrics: attribute name {k} of {names.Count} is null.");
        if (predictedRows != targetRows || predictedColumns != targetColumns)
            throw new ArgumentException(
                $"MultiLabelMetrics: predictions are [{predictedRows}, {predictedColumns}] but targets are [{targetRows}, {targetColumns}]; they must match.", "predicted");
        if (targetRows == 0 || targetColumns == 0)
            throw new ArgumentException($"MultiLabelMetrics: [{targetRows}, {targetColumns}] has nothing to score; give at least one sample and one attribute.", "targets");
        if (names is not null && names.Count != targetColumns)
            throw new ArgumentException($"MultiLabelMetrics: {names.Count} attribute names for {targetColumns} attributes.", "attributeNames");
        SampleCount = targetRows;
        _names = names?.ToArray() ?? Enumerable.Range(0, targetColumns).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
        _truePositives = new long[targetColumns];
        _falsePositives = new long[targetColumns];
        _falseNegatives = new long[targetColumns];
    }

    /// <summary>
    /// Scores 0/1 <paramref name="predicted"/> against 0/1 <paramref name="targets"/>, two tensors of shape
    /// [samples, attributes] (float32 or float64; every element exactly 0 or 1).
    /// </summary>
    /// <exception cref="ArgumentException">A tensor is not 2-D, the shapes differ, or an element is neither 0 nor 1.</exception>
    public static MultiLabelMetrics FromTensors(Tensor predicted, Tensor targets, IReadOnlyList<string>? attributeNames = null) =>
        new(ToBooleans(predicted, nameof(predicted), threshold: null), ToBooleans(targets, nameof(targets), threshold: null), attributeNames);

    /// <summary>
    /// Scores <paramref name="scores"/> (logits or probabilities, [samples, attributes]) thresholded as
    /// <c>score &gt; threshold</c> — 0 for logits, 0.5 for sigmoid probabilities (the same decisions) — against 0/1 <paramref name="targets"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor is not 2-D, the shapes differ, a score is NaN, or a target is neither 0 nor 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN (no score is above it, so nothing would be predicted).</exception>
    public static MultiLabelMetrics FromScores(Tensor scores, Tensor targets, double threshold, IReadOnlyList<string>? attributeNames = null)
    {
        if (double.IsNaN(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold,
                "MultiLabelMetrics.FromScores: threshold is NaN, which no score exceeds; give 0 for logits or 0.5 for probabilities.");
        return new(ToBooleans(scores, nameof(scores), threshold), ToBooleans(targets, nameof(targets), threshold: null), attributeNames);
    }

    /// <summary>The row count of a table, checked for null first: the constructor's <c>this(…)</c> reads it before its body runs.</summary>
    private static int Rows(bool[,] table, string argument)
    {
        ArgumentNullException.ThrowIfNull(table, argument);
        return table.GetLength(0);
    }

    private static bool[,] ToBooleans(Tensor tensor, string argument, double? threshold)
    {
        ArgumentNullException.ThrowIfNull(tensor, argument);
        if (tensor.Rank != 2)
            throw new ArgumentException($"MultiLabelMetrics: {argument} has shape {tensor.Shape}; expected [samples, attributes].", argument);
        int rows = tensor.Shape[0], columns = tensor.Shape[1];
        var result = new bool[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int k = 0; k < columns; k++)
            {
                double value = tensor.GetFlat(i * columns + k);
                if (threshold is double cut)
                {
                    if (double.IsNaN(value)) throw new ArgumentException($"MultiLabelMetrics: {argument}[{i}, {k}] is NaN.", argument);
                    result[i, k] = value > cut;
                }
                else if (value is 0 or 1) result[i, k] = value == 1;
                else throw new ArgumentException($"MultiLabelMetrics: {argument}[{i}, {k}] = {value}; expected 0 or 1.", argument);
            }
        return result;
    }

    private void Tally(int attribute, bool predicted, bool actual)
    {
        if (predicted && actual) _truePositives[attribute]++;
        else if (predicted) _falsePositives[attribute]++;
        else if (actual) _falseNegatives[attribute]++;
    }

    /// <summary>The number of samples scored.</summary>
    public int SampleCount { get; }

    /// <summary>The number of attributes (labels per sample).</summary>
    public int AttributeCount => _names.Length;

    /// <summary>The attribute names, in column order.</summary>
    public IReadOnlyList<string> AttributeNames => _names;

    /// <summary>The number of samples whose predicted attributes all equal their targets.</summary>
    public int ExactMatches { get; }

    /// <summary>The number of samples that truly have <paramref name="attribute"/> (scikit-learn's "support").</summary>
    public long Support(int attribute) => _truePositives[attribute] + _falseNegatives[attribute];

    /// <summary>tp / (tp + fp) for <paramref name="attribute"/>; 0 when it is never predicted.</summary>
    public double Precision(int attribute) => ClassificationScores.Precision(_truePositives[attribute], _falsePositives[attribute]);

    /// <summary>tp / (tp + fn) for <paramref name="attribute"/>; 0 when it never occurs.</summary>
    public double Recall(int attribute) => ClassificationScores.Recall(_truePositives[attribute], _falseNegatives[attribute]);

    /// <summary>2·tp / (2·tp + fp + fn) for <paramref name="attribute"/>; 0 when it neither occurs nor is predicted.</summary>
    public double F1(int attribute) => ClassificationScores.F1(_truePositives[attribute], _falsePositives[attribute], _falseNegatives[attribute]);

    /// <summary>Precision from the counts summed over every attribute (scikit-learn's <c>average="micro"</c>).</summary>
    public double MicroPrecision => ClassificationScores.Precision(_truePositives.Sum(), _falsePositives.Sum());

    /// <summary>Recall from the counts summed over every attribute.</summary>
    public double MicroRecall => ClassificationScores.Recall(_truePositives.Sum(), _falseNegatives.Sum());

    /// <summary>F1 from the counts summed over every attribute: 2·Σtp / (2·Σtp + Σfp + Σfn).</summary>
    public double MicroF1 => ClassificationScores.F1(_truePositives.Sum(), _falsePositives.Sum(), _falseNegatives.Sum());

    /// <summary>The unweighted mean of the per-attribute precisions (scikit-learn's <c>average="macro"</c>).</summary>
    public double MacroPrecision => MeanOverAttributes(Precision);

    /// <summary>The unweighted mean of the per-attribute recalls.</summary>
    public double MacroRecall => MeanOverAttributes(Recall);

    /// <summary>The unweighted mean of the per-attribute F1 scores (attributes with F1 = 0 by the zero-division rule included).</summary>
    public double MacroF1 => MeanOverAttributes(F1);

    /// <summary>The share of (sample, attribute) entries predicted wrongly: (Σfp + Σfn) / (samples × attributes).</summary>
    public double HammingLoss => (double)(_falsePositives.Sum() + _falseNegatives.Sum()) / ((long)SampleCount * AttributeCount);

    /// <summary>The share of samples with every attribute right (scikit-learn's subset accuracy).</summary>
    public double ExactMatchRatio => (double)ExactMatches / SampleCount;

    private double MeanOverAttributes(Func<int, double> score)
    {
        double sum = 0;
        for (int k = 0; k < AttributeCount; k++) sum += score(k);
        return sum / AttributeCount;
    }

    /// <summary>
    /// Precision, recall, F1 and support per attribute, the micro and macro averages, then the Hamming loss and
    /// the exact-match ratio, as an aligned text table (four decimals).
    /// </summary>
    public string Format()
    {
        var table = new TextTable("attribute", "precision", "recall", "f1-score", "support");
        long totalSupport = 0;
        for (int k = 0; k < AttributeCount; k++)
        {
            table.Add(_names[k], TextTable.Score(Precision(k)), TextTable.Score(Recall(k)), TextTable.Score(F1(k)), TextTable.Count(Support(k)));
            totalSupport += Support(k);
        }
        table.AddBlankLine();
        table.Add("micro avg", TextTable.Score(MicroPrecision), TextTable.Score(MicroRecall), TextTable.Score(MicroF1), TextTable.Count(totalSupport));
        table.Add("macro avg", TextTable.Score(MacroPrecision), TextTable.Score(MacroRecall), TextTable.Score(MacroF1), TextTable.Count(totalSupport));
        table.AddBlankLine();
        table.Add("hamming loss", "", "", TextTable.Score(HammingLoss), "");
        table.Add("exact match", "", "", TextTable.Score(ExactMatchRatio), TextTable.Count(SampleCount));
        return table.ToString();
    }

    /// <summary>The same as <see cref="Format"/>.</summary>
    public override string ToString() => Format();
}
