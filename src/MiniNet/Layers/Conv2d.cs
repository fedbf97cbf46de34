namespace MiniNet.Layers;

/// <summary>
/// A 2-d convolution layer, PyTorch's <c>nn.Conv2d</c>: the weight is [out, in/groups, kH, kW] and the bias [out],
/// named <c>weight</c> and <c>bias</c>, so weights move between MiniNet and PyTorch unchanged. Input [N, C_in, H, W]
/// or [C_in, H, W]; see <see cref="Tensor.Conv2d"/> for the output size.
/// </summary>
public sealed class Conv2d : Module
{
    private readonly ParameterSlot _weight;
    private readonly ParameterSlot? _bias;

    /// <summary>
    /// Creates the layer. By default the weight and the bias are drawn from U(−1/√fan_in, 1/√fan_in) with
    /// fan_in = in/groups·kH·kW, as PyTorch's Conv2d (its <c>kaiming_uniform_(a=√5)</c> comes to that bound); pass
    /// <paramref name="weightInit"/>/<paramref name="biasInit"/> for another scheme (see <see cref="Init"/>).
    /// </summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="kernelSize">The kernel's (height, width), or one number for both.</param>
    /// <param name="stride">Step between receptive fields; 1 when null.</param>
    /// <param name="padding">Zero padding, numbers or "same"/"valid"; none when null.</param>
    /// <param name="dilation">Spacing between kernel taps; 1 when null.</param>
    /// <param name="groups">Independent channel groups; both channel counts must be divisible by it.</param>
    /// <param name="bias">Whether to learn an additive bias.</param>
    /// <param name="seed">Seed of the initialisation; the same seed gives the same weights everywhere.</param>
    /// <param name="generator">A generator to draw the initialisation from instead of a seed (it advances). With neither, <see cref="Generator.Default"/>.</param>
    /// <param name="dtype">The parameters' element type.</param>
    /// <param name="weightInit">Fills the weight instead of the default.</param>
    /// <param name="biasInit">Fills the bias instead of the default.</param>
    /// <exception cref="ArgumentException">A channel count, kernel size, stride, dilation or groups is not positive, a channel count is not divisible by groups, "same" padding has a stride, or both a seed and a generator are given.</exception>
    public Conv2d(int inChannels, int outChannels, Size2d kernelSize, Size2d? stride = null, Padding2d? padding = null, Size2d? dilation = null,
        int groups = 1, bool bias = true, Seed? seed = null, Generator? generator = null, DType dtype = DType.Float32,
        Initializer? weightInit = null, Initializer? biasInit = null)
    {
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        (InChannels, OutChannels, KernelSize, Groups) = (inChannels, outChannels, kernelSize, groups);
        string name = $"Conv2d({inChannels}, {outChannels})";
        if (inChannels <= 0 || outChannels <= 0)
            throw new ArgumentException($"{name}: channel counts must be positive, got in {inChannels} and out {outChannels}.", nameof(inChannels));
        if (groups <= 0)
            throw new ArgumentException($"{name}: groups must be positive, got {groups}.", nameof(groups));
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{name}: in {inChannels} and out {outChannels} channels must both be divisible by groups {groups}.", nameof(groups));
        if (kernelSize.Height <= 0 || kernelSize.Width <= 0)
            throw new ArgumentException($"{name}: kernel size must be positive, got {kernelSize}.", nameof(kernelSize));
        if (Stride.Height <= 0 || Stride.Width <= 0)
            throw new ArgumentException($"{name}: stride must be positive, got {Stride}.", nameof(stride));
        if (Dilation.Height <= 0 || Dilation.Width <= 0)
            throw new ArgumentException($"{name}: dilation must be positive, got {Dilation}.", nameof(dilation));
        if (Padding.IsSame && (Stride.Height != 1 || Stride.Width != 1))
            throw new ArgumentException($"{name}: padding \"same\" needs stride 1, got stride {Stride}.", nameof(padding));
        if (seed is not null && generator is not null)
            throw new ArgumentException($"{name}: give a seed or a generator, not both.", nameof(seed));

        var random = generator ?? (seed is Seed s ? new Generator(s) : Generator.Default);
        int[] weightDims = [outChannels, inChannels / groups, kernelSize.Height, kernelSize.Width];
        double bound = 1 / Math.Sqrt((double)weightDims[1] * kernelSize.Height * kernelSize.Width);
        var weight = Tensor.Zeros(Shape.Checked(weightDims, name), dtype);
        (weightInit ?? ((w, g) => Init.Uniform(w, g, -bound, bound)))(weight, random);
        _weight = RegisterParameter("weight", weight);
        if (bias)
        {
            var b = Tensor.Zeros([outChannels], dtype);
            (biasInit ?? ((t, g) => Init.Uniform(t, g, -bound, bound)))(b, random);
            _bias = RegisterParameter("bias", b);
        }
    }

    /// <summary>Channels of the input.</summary>
    public int InChannels { get; }

    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }

    /// <summary>The kernel's (height, width).</summary>
    public Size2d KernelSize { get; }

    /// <summary>Step between receptive fields.</summary>
    public Size2d Stride { get; }

    /// <summary>Zero padding.</summary>
    public Padding2d Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public Size2d Dilation { get; }

    /// <summary>Independent channel groups.</summary>
    public int Groups { get; }

    /// <summary>The weight, [out, in/groups, kH, kW].</summary>
    public Tensor Weight => _weight.Value;

    /// <summary>The bias, [out], or null for a layer without one.</summary>
    public Tensor? Bias => _bias?.Value;

    /// <summary>The convolution of an input [N, in, H, W] or [in, H, W].</summary>
    /// <exception cref="ArgumentException">The input is not [N, in, H, W] or [in, H, W], is smaller than the dilated kernel, or its dtype is not the parameters'; the message names the layer by its path.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank is not (3 or 4) || input.Shape[-3] != InChannels)
            throw new ArgumentException($"{Where}: expected input [N, {InChannels}, H, W] or [{InChannels}, H, W], got {input.Shape}.", nameof(input));
        if (input.DType != Weight.DType)
            throw new ArgumentException($"{Where}: the input is {input.DType} but the parameters are {Weight.DType}; convert one (To).", nameof(input));
        try
        {
            return Tensor.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            // The op names itself; the layer's path says which of a network's convolutions it was.
            string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new ArgumentException($"{Where}: {message}", nameof(input), e);
        }
    }

    /// <inheritdoc/>
    public override string Describe()
    {
        var text = new System.Text.StringBuilder($"Conv2d({InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}");
        if (!Padding.IsNumbers || Padding.Height != 0 || Padding.Width != 0) text.Append($", padding={Padding}");
        if (Dilation != new Size2d(1, 1)) text.Append($", dilation={Dilation}");
        if (Groups != 1) text.Append($", groups={Groups}");
        if (Bias is null) text.Append(", bias=False");
        return text.Append(')').ToString();
    }
}
