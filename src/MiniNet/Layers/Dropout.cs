namespace MiniNet.Layers;

/// <summary>
/// Inverted dropout, as PyTorch's <c>nn.Dropout</c>: in training mode each element is zeroed with probability
/// p and the survivors are scaled by 1/(1 − p), so evaluation mode is the identity and needs no rescaling.
/// </summary>
public sealed class Dropout : Module
{
    private readonly Generator _generator;

    /// <summary>Creates the layer; its masks are drawn from <paramref name="seed"/> or <paramref name="generator"/> (else <see cref="Generator.Default"/>).</summary>
    /// <param name="p">The probability of zeroing an element, in [0, 1].</param>
    /// <param name="seed">Seed of the masks.</param>
    /// <param name="generator">A generator to draw the masks from instead of a seed.</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1].</exception>
    public Dropout(double p = 0.5, Seed? seed = null, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"Dropout: p is {p}; expected the probability of zeroing an element, in [0, 1].");
        if (seed is not null && generator is not null)
            throw new ArgumentException("Dropout: give a seed or a generator, not both.", nameof(seed));
        P = p;
        _generator = generator ?? (seed is Seed s ? new Generator(s) : Generator.Default);
    }

    /// <summary>The probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>In training mode, x·mask/(1 − p) with a fresh Bernoulli(1 − p) mask; in evaluation mode, x itself.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Training || P == 0) return input;
        if (P == 1) return input * 0.0; // everything dropped (and no division by zero)
        double keep = 1 - P, scale = 1 / keep;
        var mask = Tensor.Empty(input.Shape, input.DType);
        DTypeDispatch.Run(mask.DType, new MaskKernel(mask, _generator, keep, scale));
        return input * mask;
    }

    /// <inheritdoc/>
    public override string Describe() => $"Dropout(p={P})";
    /// <summary>Each element 1/(1 − p) with probability 1 − p, else 0, drawn in order from the generator.</summary>
    private readonly struct MaskKernel(Tensor mask, Generator generator, double keep, double scale) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var values = mask.Span<T>();
            T kept = T.CreateTruncating(scale);
            for (int i = 0; i < values.Length; i++) values[i] = generator.NextDouble() < keep ? kept : T.Zero;
        }
    }
}
