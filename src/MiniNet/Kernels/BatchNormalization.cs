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
/// The loops of batch normalisation. Channels are independent, so they are split across threads (<see cref="RowJob"/>),
/// but each channel is computed start to finish by one thread, in a fixed order: statistics and gradient sums in double,
/// in four scalar partial sums combined as (s0 + s1) + (s2 + s3) — no SIMD reassociation — so every result is the same
/// on every CPU and thread count.
/// </summary>
internal static class BatchNormalization
{
    /// <summary>
    /// In training, each channel's batch mean and biased variance, recorded in <paramref name="statistics"/>, and (when
    /// running statistics are given) running ← (1 − momentum)·running + momentum·batch, with the unbiased variance; in
    /// evaluation, the running ones. Then y = (x − mean)·rstd·w + b.
    /// </summary>
    public static void Forward<T>(BatchNormStatistics statistics, T[] input, T[]? weight, T[]? bias,
        T[]? runningMean, T[]? runningVar, double momentum, double eps, T[] output) where T : unmanaged, IFloatingPointIeee754<T> =>
        RowJob.Run(new ForwardChannels<T>(statistics, input, weight, bias, runningMean, runningVar, momentum, eps, output),
            statistics.Channels, input.Length);

    /// <summary>
    /// dW += Σ g·x̂ and db += Σ g per channel; dx += w·rstd·(g − mean(g) − x̂·mean(g·x̂)) in training, where the
    /// statistics depend on x, and dx += w·rstd·g in evaluation, where they are constants. A null buffer is one not asked for.
    /// </summary>
    public static void Backward<T>(BatchNormStatistics statistics, T[] input, T[]? weight, T[] gradOutput,
        T[]? inputGrad, T[]? weightGrad, T[]? biasGrad) where T : unmanaged, IFloatingPointIeee754<T> =>
        RowJob.Run(new BackwardChannels<T>(statistics, input, weight, gradOutput, inputGrad, weightGrad, biasGrad),
            statistics.Channels, input.Length);

    private sealed class ForwardChannels<T>(BatchNormStatistics statistics, T[] input, T[]? weight, T[]? bias,
        T[]? runningMean, T[]? runningVar, double momentum, double eps, T[] output) : IRowRange where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int start, int end)
        {
            for (int c = start; c < end; c++) Channel(c);
        }

        private void Channel(int c)
        {
            int count = statistics.PerChannel;
            double mean, rstd;
            if (statistics.Training)
            {
                double sum = 0;
                for (int n = 0; n < statistics.Batch; n++) sum += Sum(Plane(input, statistics, n, c));
                mean = sum / count;
                // Two passes: the variance from the deviations, not E[x²] − mean², which cancels badly for large means.
                double squares = 0;
                for (int n = 0; n < statistics.Batch; n++) squares += SumOfSquaredDeviations(Plane(input, statistics, n, c), mean);
                rstd = 1 / Math.Sqrt(squares / count + eps); // IEEE sqrt: exact everywhere
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
                var x = Plane(input, statistics, n, c);
                var y = output.AsSpan((n * statistics.Channels + c) * statistics.Spatial, statistics.Spatial);
                for (int i = 0; i < x.Length; i++) y[i] = T.CreateTruncating((double.CreateTruncating(x[i]) - mean) * scale + shift);
            }
        }
    }

    private sealed class BackwardChannels<T>(BatchNormStatistics statistics, T[] input, T[]? weight, T[] gradOutput,
        T[]? inputGrad, T[]? weightGrad, T[]? biasGrad) : IRowRange where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int start, int end)
        {
            for (int c = start; c < end; c++) Channel(c);
        }

        private void Channel(int c)
        {
            int count = statistics.PerChannel;
            double mean = statistics.Mean[c], rstd = statistics.Rstd[c];
            double sumG = 0, sumGDeviation = 0;
            for (int n = 0; n < statistics.Batch; n++)
            {
                var (g, d) = SumsOfGradient(Plane(gradOutput, statistics, n, c), Plane(input, statistics, n, c), mean);
                sumG += g;
                sumGDeviation += d;
            }
            double sumGXhat = sumGDeviation * rstd; // Σ g·x̂ = rstd·Σ g·(x − mean)
            if (weightGrad is not null) weightGrad[c] = T.CreateTruncating(double.CreateTruncating(weightGrad[c]) + sumGXhat);
            if (biasGrad is not null) biasGrad[c] = T.CreateTruncating(double.CreateTruncating(biasGrad[c]) + sumG);
            if (inputGrad is null) return;
            double scale = weight is null ? rstd : rstd * double.CreateTruncating(weight[c]);
            double meanG = statistics.Training ? sumG / count : 0, meanGXhat = statistics.Training ? sumGXhat / count : 0;
            for (int n = 0; n < statistics.Batch; n++)
            {
                var x = Plane(input, statistics, n, c);
                var g = Plane(gradOutput, statistics, n, c);
                var dx = inputGrad.AsSpan((n * statistics.Channels + c) * statistics.Spatial, statistics.Spatial);
                for (int i = 0; i < x.Length; i++)
                {
                    double xhat = (double.CreateTruncating(x[i]) - mean) * rstd;
                    dx[i] = T.CreateTruncating(double.CreateTruncating(dx[i]) + scale * (double.CreateTruncating(g[i]) - meanG - xhat * meanGXhat));
                }
            }
        }
    }

    /// <summary>Σ x in four partial sums (element i into sum i mod 4), combined as (s0 + s1) + (s2 + s3).</summary>
    private static double Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= x.Length; i += 4)
        {
            s0 += double.CreateTruncating(x[i]);
            s1 += double.CreateTruncating(x[i + 1]);
            s2 += double.CreateTruncating(x[i + 2]);
            s3 += double.CreateTruncating(x[i + 3]);
        }
        for (; i < x.Length; i++) s0 += double.CreateTruncating(x[i]);
        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>Σ (x − mean)² in four partial sums, as <see cref="Sum{T}"/>.</summary>
    private static double SumOfSquaredDeviations<T>(ReadOnlySpan<T> x, double mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= x.Length; i += 4)
        {
            double d0 = double.CreateTruncating(x[i]) - mean, d1 = double.CreateTruncating(x[i + 1]) - mean;
            double d2 = double.CreateTruncating(x[i + 2]) - mean, d3 = double.CreateTruncating(x[i + 3]) - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < x.Length; i++)
        {
            double d = double.CreateTruncating(x[i]) - mean;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>Σ g and Σ g·(x − mean), each in two partial sums (even and odd elements), combined as s0 + s1.</summary>
    private static (double Gradient, double GradientTimesDeviation) SumsOfGradient<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, double mean)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double g0 = 0, g1 = 0, d0 = 0, d1 = 0;
        int i = 0;
        for (; i + 2 <= x.Length; i += 2)
        {
            double ga = double.CreateTruncating(g[i]), gb = double.CreateTruncating(g[i + 1]);
            g0 += ga;
            g1 += gb;
            d0 += ga * (double.CreateTruncating(x[i]) - mean);
            d1 += gb * (double.CreateTruncating(x[i + 1]) - mean);
        }
        for (; i < x.Length; i++)
        {
            double ga = double.CreateTruncating(g[i]);
            g0 += ga;
            d0 += ga * (double.CreateTruncating(x[i]) - mean);
        }
        return (g0 + g1, d0 + d1);
    }

    /// <summary>The values of sample <paramref name="n"/>, channel <paramref name="c"/>.</summary>
    private static ReadOnlySpan<T> Plane<T>(T[] values, BatchNormStatistics statistics, int n, int c) =>
        values.AsSpan((n * statistics.Channels + c) * statistics.Spatial, statistics.Spatial);
}
