namespace MiniNet.Examples.SigmoidVsSoftmax;

/// <summary>
/// Running totals over the outputs (example i, class k) of one epoch: the mean |∂ℓᵢ/∂zᵢₖ| and the share of
/// outputs that are saturated on the wrong side of their target.
/// </summary>
internal sealed class OutputTally
{
    /// <summary>Below this (target 1) or above 1 − this (target 0) an output is saturated and wrong.</summary>
    public const double SaturationMargin = 0.01;

    private double _gradientSum;
    private long _gradientCount, _saturatedWrong, _outputCount;

    /// <summary>The mean of |∂ℓᵢ/∂zᵢₖ| over every output counted (NaN before any).</summary>
    public double MeanAbsGradient => _gradientCount == 0 ? double.NaN : _gradientSum / _gradientCount;

    /// <summary>The share of outputs saturated on the wrong side of their one-hot target (NaN before any).</summary>
    public double SaturatedWrongShare => _outputCount == 0 ? double.NaN : (double)_saturatedWrong / _outputCount;

    /// <summary>
    /// Adds the logits' gradient of a batch loss (1/N) Σᵢ ℓᵢ: each element times N is the per-example
    /// gradient ∂ℓᵢ/∂zᵢₖ, the same quantity for every head whatever the batch size.
    /// </summary>
    public void AddGradient(ReadOnlySpan<float> batchLossGradient, int batchSize)
    {
        double sum = 0;
        foreach (float g in batchLossGradient) sum += Math.Abs(g);
        _gradientSum += sum * batchSize;
        _gradientCount += batchLossGradient.Length;
    }

    /// <summary>
    /// Counts the outputs of a batch (probabilities, one row of <paramref name="classCount"/> per label):
    /// output k of example i is saturated and wrong when p &gt; 0.99 with target 0 (k ≠ label) or p &lt; 0.01
    /// with target 1 (k = label) — it sits within 0.01 of the wrong end.
    /// </summary>
    public void AddOutputs(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int classCount)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            var row = probabilities.Slice(i * classCount, classCount);
            for (int k = 0; k < classCount; k++)
            {
                bool wrong = k == labels[i] ? row[k] < SaturationMargin : row[k] > 1 - SaturationMargin;
                if (wrong) _saturatedWrong++;
            }
        }
        _outputCount += (long)labels.Length * classCount;
    }
}
