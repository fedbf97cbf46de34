namespace MiniNet.Layers;

/// <summary>
/// Layer normalisation, PyTorch's <c>nn.LayerNorm</c>: each input row over the trailing dimensions
/// <see cref="NormalizedShape"/> is normalised to mean 0 and variance 1, then scaled by <c>weight</c> (ones) and
/// shifted by <c>bias</c> (zeros), both of <see cref="NormalizedShape"/> and named as PyTorch names them. See
/// <see cref="Tensor.LayerNorm"/>.
/// </summary>
public sealed class LayerNorm : Module
{
    private readonly int[] _normalizedShape;
    private readonly ParameterSlot? _weight;
    private readonly ParameterSlot? _bias;

    /// <summary>Creates the layer over the trailing dimensions <paramref name="normalizedShape"/>.</summary>
    /// <param name="normalizedShape">The trailing dimensions to normalise over (at least one; copied).</param>
    /// <param name="eps">Added to the variance, so a constant row stays finite; positive.</param>
    /// <param name="elementwiseAffine">Whether to learn a per-element weight (and bias).</param>
    /// <param name="bias">Whether to learn a bias too (only with <paramref name="elementwiseAffine"/>).</param>
    /// <param name="dtype">The parameters' element type.</param>
    /// <exception cref="ArgumentException"><paramref name="normalizedShape"/> is empty or has a non-positive dimension.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eps"/> is not positive (or NaN).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="normalizedShape"/> is null.</exception>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        _normalizedShape = (int[])normalizedShape.Clone();
        (Eps, ElementwiseAffine) = (eps, elementwiseAffine);
        if (normalizedShape.Length == 0)
            throw new ArgumentException("LayerNorm: normalizedShape must have at least one dimension, got [].", nameof(normalizedShape));
        foreach (int d in normalizedShape)
            if (d <= 0)
                throw new ArgumentException($"LayerNorm: normalizedShape dimensions must be positive, got {Shape.Format(normalizedShape)}.", nameof(normalizedShape));
        if (double.IsNaN(eps) || eps <= 0)
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"LayerNorm: eps is {eps}; expected a positive number (1e-5 by default).");
        if (!elementwiseAffine) return;
        _weight = RegisterParameter("weight", Tensor.Ones(Shape.Checked(_normalizedShape, "LayerNorm"), dtype));
        if (bias) _bias = RegisterParameter("bias", Tensor.Zeros(_normalizedShape, dtype));
    }

    /// <summary>Creates the layer over the last dimension, of size <paramref name="normalizedShape"/> (PyTorch's <c>nn.LayerNorm(16)</c>).</summary>
    /// <param name="normalizedShape">The size of the last dimension.</param>
    /// <param name="eps">Added to the variance, so a constant row stays finite; positive.</param>
    /// <param name="elementwiseAffine">Whether to learn a per-element weight (and bias).</param>
    /// <param name="bias">Whether to learn a bias too (only with <paramref name="elementwiseAffine"/>).</param>
    /// <param name="dtype">The parameters' element type.</param>
    /// <exception cref="ArgumentException"><paramref name="normalizedShape"/> is not positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eps"/> is not positive (or NaN).</exception>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, bias, dtype)
    {
    }

    /// <summary>The trailing dimensions normalised over (a copy).</summary>
    public int[] NormalizedShape => (int[])_normalizedShape.Clone();

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Whether the layer learns a per-element weight (and bias).</summary>
    public bool ElementwiseAffine { get; }

    /// <summary>The weight, of <see cref="NormalizedShape"/>, or null without an elementwise affine.</summary>
    public Tensor? Weight => _weight?.Value;

    /// <summary>The bias, of <see cref="NormalizedShape"/>, or null for a layer without one.</summary>
    public Tensor? Bias => _bias?.Value;

    /// <summary>The normalised input, of the input's shape [*, normalizedShape].</summary>
    /// <exception cref="ArgumentException">The input's trailing dimensions are not <see cref="NormalizedShape"/>, or its dtype is not the parameters'; the message names the layer by its path.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool matches = input.Rank >= _normalizedShape.Length;
        for (int i = 1; matches && i <= _normalizedShape.Length; i++) matches = input.Shape[-i] == _normalizedShape[^i];
        if (!matches)
            throw new ArgumentException(
                $"{Where}: expected input [*, {string.Join(", ", _normalizedShape)}], got {input.Shape}.", nameof(input));
        if (Weight is not null && input.DType != Weight.DType)
            throw new ArgumentException($"{Where}: the input is {input.DType} but the parameters are {Weight.DType}; convert one (To).", nameof(input));
        return Tensor.LayerNorm(input, _normalizedShape, Weight, Bias, Eps);
    }

    /// <inheritdoc/>
    public override string Describe() =>
        $"LayerNorm(({string.Join(", ", _normalizedShape)}{(_normalizedShape.Length == 1 ? "," : "")}), eps={MessageText.PythonFloat(Eps)}, " +
        $"elementwise_affine={(ElementwiseAffine ? "True" : "False")})";
}
