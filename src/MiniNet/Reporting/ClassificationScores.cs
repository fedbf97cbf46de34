namespace MiniNet.Reporting;

/// <summary>
/// Precision, recall and F1 from counts of true positives (tp), false positives (fp) and false negatives (fn),
/// exactly as scikit-learn defines them with <c>zero_division=0</c>: a ratio whose denominator is zero is 0.
/// </summary>
internal static class ClassificationScores
{
    /// <summary>tp / (tp + fp): of the samples predicted positive, the share that are; 0 when none was predicted positive.</summary>
    public static double Precision(long truePositives, long falsePositives) => Ratio(truePositives, truePositives + falsePositives);

    /// <summary>tp / (tp + fn): of the samples that are positive, the share found; 0 when there are none.</summary>
    public static double Recall(long truePositives, long falseNegatives) => Ratio(truePositives, truePositives + falseNegatives);

    /// <summary>
    /// 2·tp / (2·tp + fp + fn), the harmonic mean of precision and recall written in counts (as scikit-learn ≥ 1.3
    /// computes it); 0 when there are neither positives nor positive predictions.
    /// </summary>
    public static double F1(long truePositives, long falsePositives, long falseNegatives) =>
        Ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);

    /// <summary><paramref name="numerator"/> / <paramref name="denominator"/>, or 0 when the denominator is 0.</summary>
    public static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
