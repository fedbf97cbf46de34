namespace MiniNet.Layers;

/// <summary>
/// Batch normalisation over the channels of dimension 1, PyTorch's <c>_BatchNorm</c> (see <see cref="BatchNorm1d"/> and
/// <see cref="BatchNorm2d"/>): in training, each channel is normalised by its batch mean and variance and the running
/// estimates are updated; in evaluation, by the running estimates. Then it is scaled by <c>weight</c> (ones) and shifted
/// by <c>bias</c> (zeros). The buffers <c>running_mean</c> (zeros), <c>running_var</c> (ones) and
/// <c>num_batches_tracked</c> (an integer-valued counter, saved as I64) are saved and loaded with the parameters, under
/// PyTorch's names and in its order. See <see cref="Tensor.BatchNorm"/>.
/// </summary>
public abstract class BatchNorm : Module
{
    private readonly ParameterSlot? _weight;
    private readonly ParameterSlot? _bias;
    private readonly BufferSlot? _runningMean;
    private readonly BufferSlot? _runningVar;
    private readonly BufferSlot? _numBatchesTracked;

    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    /// <param name="numFeatures">The number of channels C (dimension 1 of the input).</param>
    /// <param name="eps">Added to the variance, so a constant channel stays finite; positive.</param>
    /// <param name="momentum">The batch's weight in the running estimates' update, in [0, 1]; null for a cumulative average
    /// (each batch weighs 1/num_batches_tracked), as PyTorch's <c>momentum=None</c>.</param>
    /// <param name="affine">Whether to learn a per-channel weight and bias.</param>
    /// <param name="trackRunningStats">Whether to keep running estimates (and buffers); without them the batch's statistics
    /// are used in evaluation too, and the state holds no buffers, as in PyTorch.</param>
    /// <param name="dtype">The parameters' and running estimates' element type.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numFeatures"/> is not positive, <paramref name="eps"/> is not positive, or <paramref name="momentum"/> is not in [0, 1].</exception>
    protected BatchNorm(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        (NumFeatures, Eps, Momentum, Affine, TrackRunningStats) = (numFeatures, eps, momentum, affine, trackRunningStats);
        string kind = GetType().Name;
        if (numFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, $"{kind}: numFeatures is {numFeatures}; expected the number of channels, at least 1.");
        if (double.IsNaN(eps) || eps <= 0)
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{kind}: eps is {eps}; expected a positive number (1e-5 by default).");
        if (momentum is double m && !(m >= 0 && m <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), m, $"{kind}: momentum is {m}; expected the batch's weight in the running estimates, in [0, 1] (0.1 by default), or null for a cumulative average.");
        if (affine)
        {
            _weight = RegisterParameter("weight", Tensor.Ones([numFeatures], dtype));
            _bias = RegisterParameter("bias", Tensor.Zeros([numFeatures], dtype));
        }
        if (trackRunningStats)
        {
            _runningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures], dtype));
            _runningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures], dtype));
            _numBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Scalar(0, DType.Float64), integerValued: true);
        }
    }

    /// <summary>The number of channels.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>The batch's weight in the running estimates' update; null for a cumulative average.</summary>
    public double? Momentum { get; }

    /// <summary>Whether the layer learns a per-channel weight and bias.</summary>
    public bool Affine { get; }

    /// <summary>Whether the layer keeps running estimates for evaluation.</summary>
    public bool TrackRunningStats { get; }

    /// <summary>The per-channel weight, [C], or null without <see cref="Affine"/>.</summary>
    public Tensor? Weight => _weight?.Value;

    /// <summary>The per-channel bias, [C], or null without <see cref="Affine"/>.</summary>
    public Tensor? Bias => _bias?.Value;

    /// <summary>The running means, [C] (the buffer itself), or null without <see cref="TrackRunningStats"/>.</summary>
    public Tensor? RunningMean => _runningMean?.Value;

    /// <summary>The running (unbiased) variances, [C] (the buffer itself), or null without <see cref="TrackRunningStats"/>.</summary>
    public Tensor? RunningVar => _runningVar?.Value;

    /// <summary>How many training batches updated the running estimates (the integer-valued scalar buffer), or null without <see cref="TrackRunningStats"/>.</summary>
    public Tensor? NumBatchesTracked => _numBatchesTracked?.Value;

    /// <summary>
    /// The normalised input, of the input's shape. In training mode (or without running estimates) it uses the batch's
    /// statistics, and in training mode it also updates the running estimates and counts the batch.
    /// </summary>
    /// <exception cref="ArgumentException">The input's rank or channel count does not fit the layer, its dtype is not the
    /// layer's, or it has a single value per channel in training; the message names the layer by its path.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!AcceptsRank(input.Rank) || input.Shape[1] != NumFeatures)
            throw new ArgumentException($"{Where}: expected input {ExpectedShape}, got {input.Shape}.", nameof(input));
        var like = Weight ?? RunningMean;
        if (like is not null && input.DType != like.DType)
            throw new ArgumentException($"{Where}: the input is {input.DType} but the layer's tensors are {like.DType}; convert one (To).", nameof(input));
        bool useBatchStatistics = Training || !TrackRunningStats;
        if (useBatchStatistics && input.ElementCount / NumFeatures == 1)
            throw new ArgumentException(
                $"{Where}: expected more than 1 value per channel when training, got input {input.Shape}: a variance needs two values. " +
                "Use a larger batch, or Eval() to normalise with the running estimates.", nameof(input));
        double factor = 0;
        if (Training && TrackRunningStats)
        {
            var counter = NumBatchesTracked!;
            double batches = counter.Storage<double>()[0] + 1;
            counter.Storage<double>()[0] = batches;
            counter.Version.Bump();
            factor = Momentum ?? 1 / batches; // momentum null: the running estimates are the mean over every batch so far
        }
        return Tensor.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, useBatchStatistics, factor, Eps);
    }

    /// <summary>Whether an input of this rank is one the layer takes.</summary>
    private protected abstract bool AcceptsRank(int rank);

    /// <summary>The input shapes the layer takes, for messages: <c>[N, 16, H, W]</c>.</summary>
    private protected abstract string ExpectedShape { get; }

    /// <inheritdoc/>
    public override string Describe() =>
        $"{GetType().Name}({NumFeatures}, eps={MessageText.PythonFloat(Eps)}, momentum={(Momentum is double m ? MessageText.PythonFloat(m) : "None")}, " +
        $"affine={(Affine ? "True" : "False")}, track_running_stats={(TrackRunningStats ? "True" : "False")})";
}

/// <summary>
/// Batch normalisation of [N, C] or [N, C, L] inputs, PyTorch's <c>nn.BatchNorm1d</c>: one mean and variance per
/// channel C, over N (and L). See <see cref="BatchNorm"/>.
/// </summary>
/// <param name="numFeatures">The number of channels C.</param>
/// <param name="eps">Added to the variance; positive.</param>
/// <param name="momentum">The batch's weight in the running estimates, in [0, 1]; null for a cumulative average.</param>
/// <param name="affine">Whether to learn a per-channel weight and bias.</param>
/// <param name="trackRunningStats">Whether to keep running estimates (and buffers).</param>
/// <param name="dtype">The parameters' and running estimates' element type.</param>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="numFeatures"/> or <paramref name="eps"/> is not positive, or <paramref name="momentum"/> is not in [0, 1].</exception>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    DType dtype = DType.Float32) : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override bool AcceptsRank(int rank) => rank is 2 or 3;

    private protected override string ExpectedShape => $"[N, {NumFeatures}] or [N, {NumFeatures}, L]";
}

/// <summary>
/// Batch normalisation of [N, C, H, W] images, PyTorch's <c>nn.BatchNorm2d</c>: one mean and variance per channel C,
/// over N, H and W. See <see cref="BatchNorm"/>.
/// </summary>
/// <param name="numFeatures">The number of channels C.</param>
/// <param name="eps">Added to the variance; positive.</param>
/// <param name="momentum">The batch's weight in the running estimates, in [0, 1]; null for a cumulative average.</param>
/// <param name="affine">Whether to learn a per-channel weight and bias.</param>
/// <param name="trackRunningStats">Whether to keep running estimates (and buffers).</param>
/// <param name="dtype">The parameters' and running estimates' element type.</param>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="numFeatures"/> or <paramref name="eps"/> is not positive, or <paramref name="momentum"/> is not in [0, 1].</exception>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    DType dtype = DType.Float32) : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override bool AcceptsRank(int rank) => rank == 4;

    private protected override string ExpectedShape => $"[N, {NumFeatures}, H, W]";
}
