namespace MiniNet.Layers;

/// <summary>Fills a parameter in place with initial values drawn from <paramref name="generator"/>.</summary>
/// <param name="parameter">The tensor to fill.</param>
/// <param name="generator">The source of randomness.</param>
public delegate void Initializer(Tensor parameter, Generator generator);

/// <summary>The nonlinearity a layer feeds, for <see cref="Init.CalculateGain"/> (PyTorch's names).</summary>
public enum Nonlinearity
{
    /// <summary>No nonlinearity (gain 1).</summary>
    Linear,

    /// <summary>Sigmoid (gain 1).</summary>
    Sigmoid,

    /// <summary>Tanh (gain 5/3).</summary>
    Tanh,

    /// <summary>ReLU (gain √2).</summary>
    Relu,

    /// <summary>Leaky ReLU (gain √(2 / (1 + slope²))).</summary>
    LeakyRelu,
}

/// <summary>Whether Kaiming initialisation preserves the variance of the forward pass (fan-in) or of the backward pass (fan-out).</summary>
public enum FanMode
{
    /// <summary>Scale by the number of inputs of each unit.</summary>
    FanIn,

    /// <summary>Scale by the number of outputs of each unit.</summary>
    FanOut,
}

/// <summary>
/// Parameter initialisers, as PyTorch's <c>torch.nn.init</c>: each fills a tensor in place (outside the
/// tape) from an explicit generator, so a seed fixes the values.
/// </summary>
public static class Init
{
    /// <summary>Fills with zeros.</summary>
    public static void Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills with <paramref name="value"/>.</summary>
    public static void Constant(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (Tape.NoGrad()) tensor.Fill(value);
    }

    /// <summary>Fills with samples of U(<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static void Uniform(Tensor tensor, Generator generator, double low = 0, double high = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(generator);
        using (Tape.NoGrad()) tensor.CopyFrom(Tensor.Uniform(tensor.Shape, low, high, generator, tensor.DType));
    }

    /// <summary>Fills with samples of N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static void Normal(Tensor tensor, Generator generator, double mean = 0, double std = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(generator);
        using (Tape.NoGrad()) tensor.CopyFrom(Tensor.Normal(tensor.Shape, mean, std, generator, tensor.DType));
    }

    /// <summary>Glorot/Xavier uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gain"/> is negative or not finite.</exception>
    public static void XavierUniform(Tensor tensor, Generator generator, double gain = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(generator);
        CheckGain(gain, nameof(XavierUniform));
        var (fanIn, fanOut) = Fans(tensor);
        double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        Uniform(tensor, generator, -bound, bound);
    }

    /// <summary>Glorot/Xavier normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gain"/> is negative or not finite.</exception>
    public static void XavierNormal(Tensor tensor, Generator generator, double gain = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(generator);
        CheckGain(gain, nameof(XavierNormal));
        var (fanIn, fanOut) = Fans(tensor);
        Normal(tensor, generator, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>
    /// He/Kaiming uniform: U(−b, b) with b = gain·√(3 / fan), gain from <paramref name="nonlinearity"/> (with
    /// negative slope <paramref name="a"/> for leaky ReLU), as PyTorch's <c>kaiming_uniform_</c> and its defaults.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="a"/> is NaN or infinite, or the mode or nonlinearity is unknown.</exception>
    public static void KaimingUniform(Tensor tensor, Generator generator, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(generator);
        Tensor.CheckNegativeSlope(a, nameof(KaimingUniform), nameof(a));
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        double bound = Math.Sqrt(3.0) * std;
        Uniform(tensor, generator, -bound, bound);
    }

    /// <summary>He/Kaiming normal: N(0, std²) with std = gain / √fan, as PyTorch's <c>kaiming_normal_</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="a"/> is NaN or infinite, or the mode or nonlinearity is unknown.</exception>
    public static void KaimingNormal(Tensor tensor, Generator generator, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(generator);
        Tensor.CheckNegativeSlope(a, nameof(KaimingNormal), nameof(a));
        Normal(tensor, generator, 0, CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode)));
    }

    /// <summary>
    /// The recommended gain for a nonlinearity (PyTorch's <c>calculate_gain</c>): 1 for linear and sigmoid,
    /// 5/3 for tanh, √2 for ReLU, √(2 / (1 + slope²)) for leaky ReLU (slope <paramref name="negativeSlope"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown nonlinearity, or a NaN or infinite slope for leaky ReLU.</exception>
    public static double CalculateGain(Nonlinearity nonlinearity, double negativeSlope = 0.01) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Sigmoid => 1,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + Square(Tensor.CheckNegativeSlope(negativeSlope, nameof(CalculateGain))))),
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity,
            $"CalculateGain: unknown nonlinearity {nonlinearity}; expected one of {string.Join(", ", Enum.GetNames<Nonlinearity>())}."),
    };

    /// <summary>
    /// Fan-in and fan-out as PyTorch computes them: for a weight [out, in, k…], fanIn = in·Πk and fanOut = out·Πk.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="tensor"/> is null.</exception>
    public static (int FanIn, int FanOut) Fans(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
            throw new ArgumentException($"Init: fan-in and fan-out need a tensor of at least 2 dimensions, got {tensor.Shape}.", nameof(tensor));
        int receptive = 1;
        for (int d = 2; d < tensor.Rank; d++) receptive *= tensor.Shape[d];
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    private static void CheckGain(double gain, string owner)
    {
        if (!(gain >= 0) || !double.IsFinite(gain))
            throw new ArgumentOutOfRangeException(nameof(gain), gain, $"{owner}: gain is {gain}; expected a finite number ≥ 0 (see CalculateGain).");
    }

    private static int Fan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = Fans(tensor);
        int fan = mode switch
        {
            FanMode.FanIn => fanIn,
            FanMode.FanOut => fanOut,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Init: unknown fan mode {mode}; expected FanIn or FanOut."),
        };
        if (fan == 0) throw new ArgumentException($"Init: the {mode} of {tensor.Shape} is 0; Kaiming initialisation divides by it.", nameof(tensor));
        return fan;
    }

    private static double Square(double x) => x * x;
}
