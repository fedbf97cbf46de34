namespace MiniNet.Layers;

/// <summary>
/// A fully connected layer y = x·Wᵀ + b, PyTorch's <c>nn.Linear</c>: the weight is [out, in] and the bias
/// [out], named <c>weight</c> and <c>bias</c>, so weights move between MiniNet and PyTorch unchanged.
/// </summary>
public sealed class Dense : Module
{
    private readonly ParameterSlot _weight;
    private readonly ParameterSlot? _bias;

    /// <summary>
    /// Creates the layer. By default both the weight and the bias are drawn from U(−1/√in, 1/√in), as
    /// PyTorch's Linear (its <c>kaiming_uniform_(a=√5)</c> comes to that bound); pass
    /// <paramref name="weightInit"/>/<paramref name="biasInit"/> for another scheme (see <see cref="Init"/>).
    /// </summary>
    /// <param name="inFeatures">Size of each input row.</param>
    /// <param name="outFeatures">Size of each output row.</param>
    /// <param name="bias">Whether to learn an additive bias.</param>
    /// <param name="seed">Seed of the initialisation; the same seed gives the same weights everywhere.</param>
    /// <param name="generator">A generator to draw the initialisation from instead of a seed (it advances). With neither, <see cref="Generator.Default"/>.</param>
    /// <param name="dtype">The parameters' element type.</param>
    /// <param name="weightInit">Fills the weight instead of the default.</param>
    /// <param name="biasInit">Fills the bias instead of the default.</param>
    /// <exception cref="ArgumentException">A size is not positive, the weight would hold more elements than an array can, or both a seed and a generator are given.</exception>
    public Dense(int inFeatures, int outFeatures, bool bias = true, Seed? seed = null, Generator? generator = null,
        DType dtype = DType.Float32, Initializer? weightInit = null, Initializer? biasInit = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"Dense: sizes must be positive, got in {inFeatures} and out {outFeatures}.", nameof(inFeatures));
        if (seed is not null && generator is not null)
            throw new ArgumentException("Dense: give a seed or a generator, not both.", nameof(seed));
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var random = generator ?? (seed is Seed s ? new Generator(s) : Generator.Default);
        double bound = 1 / Math.Sqrt(inFeatures);

        var weight = Tensor.Zeros(Shape.Checked([outFeatures, inFeatures], $"Dense({inFeatures}→{outFeatures})"), dtype);
        (weightInit ?? ((w, g) => Init.Uniform(w, g, -bound, bound)))(weight, random);
        _weight = RegisterParameter("weight", weight);
        if (bias)
        {
            var b = Tensor.Zeros([outFeatures], dtype);
            (biasInit ?? ((t, g) => Init.Uniform(t, g, -bound, bound)))(b, random);
            _bias = RegisterParameter("bias", b);
        }
    }

    /// <summary>Size of each input row.</summary>
    public int InFeatures { get; }

    /// <summary>Size of each output row.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, [out, in].</summary>
    public Tensor Weight => _weight.Value;

    /// <summary>The bias, [out], or null for a layer without one.</summary>
    public Tensor? Bias => _bias?.Value;

    /// <summary>x·Wᵀ + b for x of shape [*, in].</summary>
    /// <exception cref="ArgumentException">The input's last dimension is not <see cref="InFeatures"/>; the message names the layer by its path.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0 || input.Shape[-1] != InFeatures)
            throw new ArgumentException($"{Where}: expected input [*, {InFeatures}], got {input.Shape}.", nameof(input));
        if (input.DType != Weight.DType)
            throw new ArgumentException($"{Where}: the input is {input.DType} but the parameters are {Weight.DType}; convert one (To).", nameof(input));
        return Tensor.Linear(input, Weight, Bias);
    }

    /// <inheritdoc/>
    public override string Describe() => $"Dense({InFeatures}→{OutFeatures}{(Bias is null ? ", bias=false" : "")})";
}
