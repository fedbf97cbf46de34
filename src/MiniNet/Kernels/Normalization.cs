using System.Numerics;

namespace MiniNet.Kernels;

/// <summary>
/// The row statistics <see cref="Tensor.LayerNorm"/> keeps on the tape: per row, the mean and 1/√(var + eps), in double.
/// </summary>
internal sealed class LayerNormStatistics(int rows, int features, bool hasWeight, bool hasBias)
{
    /// <summary>Rows normalised (the product of the leading dimensions).</summary>
    public int Rows { get; } = rows;

    /// <summary>Elements per row (the product of normalizedShape).</summary>
    public int Features { get; } = features;

    /// <summary>Whether the op's inputs include a weight (input 1).</summary>
    public bool HasWeight { get; } = hasWeight;

    /// <summary>Whether the op's inputs include a bias (after the weight, if any).</summary>
    public bool HasBias { get; } = hasBias;

    /// <summary>Each row's mean.</summary>
    public double[] Mean { get; } = new double[rows];

    /// <summary>Each row's 1/√(var + eps), var the biased variance.</summary>
    public double[] Rstd { get; } = new double[rows];
}

/// <summary>
/// The loops of the normalisation ops. Statistics and gradient sums are taken in double, in a plain fixed order (no SIMD
/// reassociation, no threads), so every result is the same on every CPU and thread count.
/// </summary>
internal static class Normalization
{
    /// <summary>y = (x − mean)·rstd·w + b per row, recording each row's mean and rstd in <paramref name="statistics"/>.</summary>
    public static void LayerNormForward<T>(LayerNormStatistics statistics, T[] input, T[]? weight, T[]? bias, double eps, T[] output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int features = statistics.Features;
        for (int r = 0; r < statistics.Rows; r++)
        {
            var x = input.AsSpan(r * features, features);
            var y = output.AsSpan(r * features, features);
            double sum = 0;
            foreach (var value in x) sum += double.CreateTruncating(value);
            double mean = sum / features;
            // Two passes: the variance from the deviations, not E[x²] − mean², which cancels badly for large means.
            double squares = 0;
            foreach (var value in x)
            {
                double deviation = double.CreateTruncating(value) - mean;
                squares += deviation * deviation;
            }
            double rstd = 1 / Math.Sqrt(squares / features + eps); // IEEE sqrt: exact everywhere
            statistics.Mean[r] = mean;
            statistics.Rstd[r] = rstd;
            for (int i = 0; i < features; i++)
            {
                double normalized = (double.CreateTruncating(x[i]) - mean) * rstd;
                if (weight is not null) normalized *= double.CreateTruncating(weight[i]);
                if (bias is not null) normalized += double.CreateTruncating(bias[i]);
                y[i] = T.CreateTruncating(normalized);
            }
        }
    }

    /// <summary>
    /// dx += rstd·(g·w − mean(g·w) − x̂·mean(g·w·x̂)) per row; dW += Σ_rows g·x̂ and db += Σ_rows g, summed in double
    /// over the rows and added once. A null gradient buffer is one not asked for.
    /// </summary>
    public static void LayerNormBackward<T>(LayerNormStatistics statistics, T[] input, T[]? weight, T[] gradOutput,
        T[]? inputGrad, T[]? weightGrad, T[]? biasGrad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int features = statistics.Features;
        double[]? weightSum = weightGrad is null ? null : new double[features];
        double[]? biasSum = biasGrad is null ? null : new double[features];
        for (int r = 0; r < statistics.Rows; r++)
        {
            var x = input.AsSpan(r * features, features);
            var g = gradOutput.AsSpan(r * features, features);
            double mean = statistics.Mean[r], rstd = statistics.Rstd[r];
            if (weightSum is not null || biasSum is not null)
                for (int i = 0; i < features; i++)
                {
                    double gi = double.CreateTruncating(g[i]);
                    if (weightSum is not null) weightSum[i] += gi * ((double.CreateTruncating(x[i]) - mean) * rstd);
                    if (biasSum is not null) biasSum[i] += gi;
                }
            if (inputGrad is null) continue;
            // The two row means the input's gradient needs: of g·w and of g·w·x̂.
            double sumGw = 0, sumGwXhat = 0;
            for (int i = 0; i < features; i++)
            {
                double gw = GradTimesWeight(g, weight, i);
                sumGw += gw;
                sumGwXhat += gw * ((double.CreateTruncating(x[i]) - mean) * rstd);
            }
            double meanGw = sumGw / features, meanGwXhat = sumGwXhat / features;
            var dx = inputGrad.AsSpan(r * features, features);
            for (int i = 0; i < features; i++)
            {
                double xhat = (double.CreateTruncating(x[i]) - mean) * rstd;
                double contribution = rstd * (GradTimesWeight(g, weight, i) - meanGw - xhat * meanGwXhat);
                dx[i] = T.CreateTruncating(double.CreateTruncating(dx[i]) + contribution);
            }
        }
        if (weightSum is not null)
            for (int i = 0; i < features; i++) weightGrad![i] = T.CreateTruncating(double.CreateTruncating(weightGrad[i]) + weightSum[i]);
        if (biasSum is not null)
            for (int i = 0; i < features; i++) biasGrad![i] = T.CreateTruncating(double.CreateTruncating(biasGrad[i]) + biasSum[i]);
    }

    private static double GradTimesWeight<T>(Span<T> g, T[]? weight, int i) where T : unmanaged, IFloatingPointIeee754<T> =>
        weight is null ? double.CreateTruncating(g[i]) : double.CreateTruncating(g[i]) * double.CreateTruncating(weight[i]);
}
