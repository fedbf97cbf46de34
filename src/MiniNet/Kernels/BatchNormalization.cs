using System.Numerics;

namespace MiniNet.Kernels;

/// <summary>
/// What <see cref="Tensor.BatchNorm"/> keeps on the tape: the layout [batch, channels, spatial] and, per channel, the
/// mean and 1/√(var + eps) it normalised with (the batch's in training, the running ones in evaluation), in double.
/// </summary>
internal sealed class BatchNormStatistics(int batch, int channels, int spatial, bool training, bool hasWeight, bool hasBias)
{
    /// <summary>The first dimension, N.</summary>
    public int Batch { get; } = batch;

    /// <summary>The second dimension, C: one mean and variance each.</summary>
    public int Channels { get; } = channels;

    /// <summary>The elements per (sample, channel): the product of the dimensions after C (1 for [N, C]).</summary>
    public int Spatial { get; } = spatial;

    /// <summary>The values normalised together per channel, N × spatial.</summary>
    public int PerChannel => Batch * Spatial;

    /// <summary>Whether the statistics are the batch's (so they depend on the input, and backward says so).</summary>
    public bool Training { get; } = training;

    /// <summary>Whether the op's inputs include a weight (input 1).</summary>
    public bool HasWeight { get; } = hasWeight;

    /// <summary>Whether the op's inputs include a bias (after the weight, if any).</summary>
    public bool HasBias { get; } = hasBias;

    /// <summary>Each channel's mean.</summary>
    public double[] Mean { get; } = new double[channels];

    /// <summary>Each channel's 1/√(var + eps).</summary>
    public double[] Rstd { get; } = new double[channels];
}

/// <summary>
/// The loops of batch normalisation. Statistics and gradient sums are taken in double, channel by channel in a plain
/// fixed order (no SIMD reassociation, no threads), so every result is the same on every CPU and thread count.
/// </summary>
internal static class BatchNormalization
{
    /// <summary>
    /// In training, each channel's batch mean and biased variance, recorded in <paramref name="statistics"/>, and (when
    /// running statistics are given) running ← (1 − momentum)·running + momentum·batch, with the unbiased variance; in
    /// evaluation, the running ones. Then y = (x − mean)·rstd·w + b.
    /// </summary>
    public static void Forward<T>(BatchNormStatistics statistics, T[] input, T[]? weight, T[]? bias,
        T[]? runningMean, T[]? runningVar, double momentum, double eps, T[] output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = statistics.Channels, spatial = statistics.Spatial, count = statistics.PerChannel;
        for (int c = 0; c < channels; c++)
        {
            double mean, rstd;
            if (statistics.Training)
            {
                double sum = 0;
                for (int n = 0; n < statistics.Batch; n++)
                    foreach (var value in Plane(input, statistics, n, c)) sum += double.CreateTruncating(value);
                mean = sum / count;
                // Two passes: the variance from the deviations, not E[x²] − mean², which cancels badly for large means.
                double squares = 0;
                for (int n = 0; n < statistics.Batch; n++)
                    foreach (var value in Plane(input, statistics, n, c))
                    {
                        double deviation = double.CreateTruncating(value) - mean;
                        squares += deviation * deviation;
                    }
                double variance = squares / count;
                rstd = 1 / Math.Sqrt(variance + eps);
                if (runningMean is not null && count > 0)
                {
                    runningMean[c] = T.CreateTruncating((1 - momentum) * double.CreateTruncating(runningMean[c]) + momentum * mean);
                    // The running variance estimates the population's, so it takes the unbiased batch variance (count > 1 in training).
                    double unbiased = squares / (count - 1);
                    runningVar![c] = T.CreateTruncating((1 - momentum) * double.CreateTruncating(runningVar[c]) + momentum * unbiased);
                }
            }
            else
            {
                mean = double.CreateTruncating(runningMean![c]);
                rstd = 1 / Math.Sqrt(double.CreateTruncating(runningVar![c]) + eps);
            }
            statistics.Mean[c] = mean;
            statistics.Rstd[c] = rstd;
            double scale = weight is null ? rstd : rstd * double.CreateTruncating(weight[c]);
            double shift = bias is null ? 0 : double.CreateTruncating(bias[c]);
            for (int n = 0; n < statistics.Batch; n++)
            {
                int start = (n * channels + c) * spatial;
                for (int i = start; i < start + spatial; i++)
                    output[i] = T.CreateTruncating((double.CreateTruncating(input[i]) - mean) * scale + shift);
            }
        }
    }

    /// <summary>
    /// dW += Σ g·x̂ and db += Σ g per channel; dx += w·rstd·(g − mean(g) − x̂·mean(g·x̂)) in training, where the
    /// statistics depend on x, and dx += w·rstd·g in evaluation, where they are constants. A null buffer is one not asked for.
    /// </summary>
    public static void Backward<T>(BatchNormStatistics statistics, T[] input, T[]? weight, T[] gradOutput,
        T[]? inputGrad, T[]? weightGrad, T[]? biasGrad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = statistics.Channels, spatial = statistics.Spatial, count = statistics.PerChannel;
        for (int c = 0; c < channels; c++)
        {
            double mean = statistics.Mean[c], rstd = statistics.Rstd[c];
            double sumG = 0, sumGXhat = 0;
            for (int n = 0; n < statistics.Batch; n++)
            {
                int start = (n * channels + c) * spatial;
                for (int i = start; i < start + spatial; i++)
                {
                    double g = double.CreateTruncating(gradOutput[i]);
                    sumG += g;
                    sumGXhat += g * ((double.CreateTruncating(input[i]) - mean) * rstd);
                }
            }
            if (weightGrad is not null) weightGrad[c] = T.CreateTruncating(double.CreateTruncating(weightGrad[c]) + sumGXhat);
            if (biasGrad is not null) biasGrad[c] = T.CreateTruncating(double.CreateTruncating(biasGrad[c]) + sumG);
            if (inputGrad is null) continue;
            double scale = weight is null ? rstd : rstd * double.CreateTruncating(weight[c]);
            double meanG = statistics.Training ? sumG / count : 0, meanGXhat = statistics.Training ? sumGXhat / count : 0;
            for (int n = 0; n < statistics.Batch; n++)
            {
                int start = (n * channels + c) * spatial;
                for (int i = start; i < start + spatial; i++)
                {
                    double xhat = (double.CreateTruncating(input[i]) - mean) * rstd;
                    double contribution = scale * (double.CreateTruncating(gradOutput[i]) - meanG - xhat * meanGXhat);
                    inputGrad[i] = T.CreateTruncating(double.CreateTruncating(inputGrad[i]) + contribution);
                }
            }
        }
    }

    /// <summary>The values of sample <paramref name="n"/>, channel <paramref name="c"/>.</summary>
    private static ReadOnlySpan<T> Plane<T>(T[] values, BatchNormStatistics statistics, int n, int c) =>
        values.AsSpan((n * statistics.Channels + c) * statistics.Spatial, statistics.Spatial);
}
