namespace MiniNet.Layers;

/// <summary>
/// Channel dropout, PyTorch's <c>nn.Dropout2d</c>: in training mode each channel of an [N, C, H, W] input (or of a
/// [C, H, W] one) is zeroed whole with probability p and the kept channels are scaled by 1/(1 − p), so evaluation mode is
/// the identity. Neighbouring pixels of a feature map are strongly correlated, so dropping single pixels (as
/// <see cref="Dropout"/> does) barely regularises a convolution; dropping whole maps does.
/// </summary>
/// <remarks>
/// A [C, H, W] input is one image, as PyTorch documents; PyTorch 1.13 itself still warns and treats a 3-D input as
/// [N, C, L] (one mask per row), a behaviour it announces it will drop.
/// </remarks>
public sealed class Dropout2d : Module
{
    private readonly Generator _generator;

    /// <summary>Creates the layer; its masks are drawn from <paramref name="seed"/> or <paramref name="generator"/> (else <see cref="Generator.Default"/>).</summary>
    /// <param name="p">The probability of zeroing a channel, in [0, 1].</param>
    /// <param name="seed">Seed of the masks.</param>
    /// <param name="generator">A generator to draw the masks from instead of a seed.</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Both a seed and a generator are given.</exception>
    public Dropout2d(double p = 0.5, Seed? seed = null, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"Dropout2d: p is {p}; expected the probability of zeroing a channel, in [0, 1].");
        if (seed is not null && generator is not null)
            throw new ArgumentException("Dropout2d: give a seed or a generator, not both.", nameof(seed));
        P = p;
        _generator = generator ?? (seed is Seed s ? new Generator(s) : Generator.Default);
    }

    /// <summary>The probability of zeroing a channel.</summary>
    public double P { get; }

    /// <summary>
    /// In training mode, x·mask/(1 − p) with one Bernoulli(1 − p) draw per (sample, channel), in that order, spread over
    /// the channel's H × W values; in evaluation mode, x itself.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not [N, C, H, W] or [C, H, W]; the message names the layer by its path.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank is not (3 or 4))
            throw new ArgumentException(
                $"{Where}: expected input [N, C, H, W] or [C, H, W], got {input.Shape}; for other ranks use Dropout (elements) instead.", nameof(input));
        if (!Training || P == 0) return input;
        if (P == 1) return input * 0.0; // every channel dropped (and no division by zero)
        // One mask value per channel, [N, C, 1, 1] (or [C, 1, 1]), broadcast over the channel's map.
        int[] maskDims = input.Rank == 4 ? [input.Shape[0], input.Shape[1], 1, 1] : [input.Shape[0], 1, 1];
        var mask = Tensor.Empty(maskDims, input.DType);
        double keep = 1 - P;
        DTypeDispatch.Run(mask.DType, new ChannelMaskKernel(mask, _generator, keep, 1 / keep));
        return input * mask;
    }

    /// <inheritdoc/>
    public override string Describe() => $"Dropout2d(p={P})";

    /// <summary>Each channel 1/(1 − p) with probability 1 − p, else 0, drawn in order from the generator.</summary>
    private readonly struct ChannelMaskKernel(Tensor mask, Generator generator, double keep, double scale) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var values = mask.Span<T>();
            T kept = T.CreateTruncating(scale);
            for (int i = 0; i < values.Length; i++) values[i] = generator.NextDouble() < keep ? kept : T.Zero;
        }
    }
}
