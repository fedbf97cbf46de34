namespace MiniNet.Examples.MultiLabel;

/// <summary>
/// How each head's logits ([samples × attributes], row-major) become a yes or no per attribute.
/// </summary>
/// <remarks>
/// <para>The sigmoid head models each attribute as its own Bernoulli, so "yes" is simply σ(z) &gt; threshold.</para>
/// <para>The softmax head, trained on targets renormalised to 1/m over an image's m attributes, learns to spread
/// one unit of probability evenly over the attributes it sees: a perfect model puts 1/m on each of them and 0
/// elsewhere. So the fair rule keeps every attribute whose probability is more than half the row's largest,
/// p_k &gt; max p / 2 — the midway cut between 1/m and 0, with m read off the prediction itself. (Cutting at
/// 1/(2m) with the true m would peek at the answer.) Peeking is allowed once, as an upper bound for either head:
/// the top m probabilities with m the true number of attributes.</para>
/// </remarks>
internal static class DecisionRules
{
    /// <summary>σ(z) &gt; <paramref name="threshold"/>, the sigmoid head's rule.</summary>
    public static bool[,] SigmoidAbove(ReadOnlySpan<float> logits, int attributeCount, double threshold)
    {
        var predicted = new bool[logits.Length / attributeCount, attributeCount];
        for (int i = 0; i < predicted.GetLength(0); i++)
            for (int k = 0; k < attributeCount; k++)
                predicted[i, k] = 1 / (1 + Math.Exp(-(double)logits[i * attributeCount + k])) > threshold;
        return predicted;
    }

    /// <summary>
    /// p_k &gt; max_j p_j / 2 for the softmax probabilities p of each row: in logits, z_k &gt; max_j z_j − ln 2
    /// (the softmax's normaliser cancels), so no exponential is needed. The top attribute is always kept.
    /// </summary>
    public static bool[,] SoftmaxAboveHalfOfTop(ReadOnlySpan<float> logits, int attributeCount)
    {
        var predicted = new bool[logits.Length / attributeCount, attributeCount];
        for (int i = 0; i < predicted.GetLength(0); i++)
        {
            var row = logits.Slice(i * attributeCount, attributeCount);
            double cut = (double)Max(row) - Math.Log(2);
            for (int k = 0; k < attributeCount; k++) predicted[i, k] = row[k] > cut;
        }
        return predicted;
    }

    /// <summary>
    /// The m largest logits of each row — the m most probable attributes under either head, as σ and softmax
    /// keep the logits' order — m being the number of attributes the row truly has. An oracle: it reads the
    /// targets, so it bounds what any rule that ranks the attributes could reach. Ties go to the lower index.
    /// </summary>
    public static bool[,] TopTrueCount(ReadOnlySpan<float> logits, bool[,] targets)
    {
        int samples = targets.GetLength(0), attributeCount = targets.GetLength(1);
        var predicted = new bool[samples, attributeCount];
        for (int i = 0; i < samples; i++)
        {
            var row = logits.Slice(i * attributeCount, attributeCount);
            int trueCount = 0;
            for (int k = 0; k < attributeCount; k++) if (targets[i, k]) trueCount++;
            for (int picked = 0; picked < trueCount; picked++)
            {
                int best = -1;
                for (int k = 0; k < attributeCount; k++)
                    if (!predicted[i, k] && (best < 0 || row[k] > row[best])) best = k;
                predicted[i, best] = true;
            }
        }
        return predicted;
    }

    private static float Max(ReadOnlySpan<float> row)
    {
        float max = row[0];
        foreach (float value in row) max = Math.Max(max, value);
        return max;
    }
}
