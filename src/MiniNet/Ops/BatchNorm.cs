using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// Batch normalisation (PyTorch's F.batch_norm) as one op: each channel — dimension 1 — is shifted and scaled by its
// mean and variance over the batch and the spatial dimensions (in training) or by running estimates (in evaluation),
// then weighted and biased per channel. The channel statistics are kept on the tape for backward.
public sealed partial class Tensor
{
    /// <summary>
    /// y = (x − mean)/√(var + eps)·weight + bias per channel (dimension 1) of an input [N, C, *], as PyTorch's
    /// <c>F.batch_norm</c>. In training, mean and biased variance are the batch's, over N and the trailing dimensions,
    /// and the running statistics (when given) are updated in place: running ← (1 − momentum)·running + momentum·batch,
    /// with the unbiased variance for <paramref name="runningVar"/>. In evaluation, the running statistics are used, and
    /// gradients treat them as constants.
    /// </summary>
    /// <param name="input">The values, [N, C] or [N, C, *].</param>
    /// <param name="runningMean">The running means, [C] (a buffer, not differentiated); null with <paramref name="runningVar"/> only in training.</param>
    /// <param name="runningVar">The running variances, [C]; given with <paramref name="runningMean"/> or not at all.</param>
    /// <param name="weight">Multiplies each channel, [C]; null for none.</param>
    /// <param name="bias">Added to each channel, [C]; null for none.</param>
    /// <param name="training">Whether to normalise with the batch's statistics (and update the running ones).</param>
    /// <param name="momentum">The weight of the batch in the running statistics' update, in [0, 1] (0.1 by default).</param>
    /// <param name="eps">Added to the variance, so a constant channel stays finite; positive.</param>
    /// <exception cref="ArgumentException">The input has fewer than two dimensions; a running statistic, weight or bias is
    /// not [C] or not of the input's dtype; only one running statistic is given, or none in evaluation; a running statistic
    /// requires grad; or, in training, a channel has a single value (N × spatial size is 1).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eps"/> is not positive, or <paramref name="momentum"/> is not in [0, 1].</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckBatchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
        int batch = input.Shape[0], channels = input.Shape[1];
        int spatial = input.ElementCount == 0 ? 0 : input.ElementCount / (batch * channels); // the product of the dimensions after C

        var y = Empty(input.Shape.Dims, input.DType, "BatchNorm");
        var statistics = new BatchNormStatistics(batch, channels, spatial, training, weight is not null, bias is not null);
        DTypeDispatch.Run(input.DType, new BatchNormForwardKernel(statistics, input, weight, bias, runningMean, runningVar, momentum, eps, y));
        if (training && runningMean is not null)
        {
            runningMean.Version.Bump(); // updated in place, as PyTorch's running_mean
            runningVar!.Version.Bump();
        }
        return Tape.Record("BatchNorm", y, AffineInputs.Of(input, weight, bias), saved: weight is null ? [input] : [input, weight], BatchNormBackward, statistics);
    }

    /// <summary>
    /// dx += w·rstd·(g − mean(g) − x̂·mean(g·x̂)) per channel in training (w·rstd·g in evaluation), dW += Σ g·x̂,
    /// db += Σ g, with x̂ = (x − mean)·rstd from the saved channel statistics (the inputs are x, then W and b when given).
    /// </summary>
    private static void BatchNormBackward(TapeEntry op, Tensor g, Gradients grads)
    {
        var statistics = (BatchNormStatistics)op.State!;
        var input = op.Input(0);
        var (weight, bias) = AffineInputs.Find(op, statistics.HasWeight, statistics.HasBias);
        Tensor? inputGrad = grads.Needs(input) ? grads.Buffer(input) : null;
        Tensor? weightGrad = weight is not null && grads.Needs(weight) ? grads.Buffer(weight) : null;
        Tensor? biasGrad = bias is not null && grads.Needs(bias) ? grads.Buffer(bias) : null;
        DTypeDispatch.Run(g.DType, new BatchNormBackwardKernel(statistics, input, weight, g, inputGrad, weightGrad, biasGrad));
    }

    private static void CheckBatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum, double eps)
    {
        if (input.Rank < 2)
            throw new ArgumentException($"BatchNorm: expected an input [N, C, *] of at least two dimensions, got {input.Shape}.", nameof(input));
        if (double.IsNaN(eps) || eps <= 0)
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"BatchNorm: eps is {eps}; expected a positive number (1e-5 by default).");
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"BatchNorm: momentum is {momentum}; expected the batch's weight in the running statistics, in [0, 1] (0.1 by default).");
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException(
                $"BatchNorm: the running {(runningMean is null ? "variance" : "mean")} is given without the running {(runningMean is null ? "mean" : "variance")}; give both or neither.",
                runningMean is null ? nameof(runningMean) : nameof(runningVar));
        if (!training && runningMean is null)
            throw new ArgumentException(
                "BatchNorm: evaluation (training: false) normalises with the running statistics, and none were given; pass runningMean and runningVar, or training: true.",
                nameof(runningMean));
        int channels = input.Shape[1];
        CheckPerChannel(input, runningMean, channels, nameof(runningMean), "running mean");
        CheckPerChannel(input, runningVar, channels, nameof(runningVar), "running variance");
        CheckPerChannel(input, weight, channels, nameof(weight), "weight");
        CheckPerChannel(input, bias, channels, nameof(bias), "bias");
        foreach (var (running, name) in new[] { (runningMean, nameof(runningMean)), (runningVar, nameof(runningVar)) })
            if (running is not null && running.RequiresGrad)
                throw new ArgumentException($"BatchNorm: the {name} requires grad; running statistics are buffers, updated in place and never differentiated.", name);
        long perChannel = channels == 0 ? 0 : (long)input.ElementCount / channels;
        if (training && perChannel == 1)
            throw new ArgumentException(
                $"BatchNorm: expected more than 1 value per channel when training, got input {input.Shape}: a variance needs two values. " +
                "Use a larger batch, or evaluate with the running statistics.", nameof(input));

        static void CheckPerChannel(Tensor input, Tensor? tensor, int channels, string parameter, string what)
        {
            if (tensor is null) return;
            if (tensor.Rank != 1 || tensor.Shape[0] != channels)
                throw new ArgumentException($"BatchNorm: the {what} must be [{channels}], one per channel of the input {input.Shape}, got {tensor.Shape}.", parameter);
            Elementwise.CheckSameDType("BatchNorm", input, tensor);
        }
    }

    private readonly struct BatchNormForwardKernel(BatchNormStatistics statistics, Tensor input, Tensor? weight, Tensor? bias,
        Tensor? runningMean, Tensor? runningVar, double momentum, double eps, Tensor output) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            BatchNormalization.Forward(statistics, input.Storage<T>(), weight?.Storage<T>(), bias?.Storage<T>(),
                runningMean?.Storage<T>(), runningVar?.Storage<T>(), momentum, eps, output.Storage<T>());
    }

    private readonly struct BatchNormBackwardKernel(BatchNormStatistics statistics, Tensor input, Tensor? weight, Tensor gradOutput,
        Tensor? inputGrad, Tensor? weightGrad, Tensor? biasGrad) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            BatchNormalization.Backward(statistics, input.Storage<T>(), weight?.Storage<T>(), gradOutput.Storage<T>(),
                inputGrad?.Storage<T>(), weightGrad?.Storage<T>(), biasGrad?.Storage<T>());
    }
}
