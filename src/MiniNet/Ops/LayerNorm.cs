using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// Layer normalisation (PyTorch's F.layer_norm) as one op: each row — the trailing dimensions named by normalizedShape —
// is shifted to mean 0 and scaled to variance 1, then weighted and biased per element. The row statistics are kept on
// the tape, so backward needs no second pass to find them.
public sealed partial class Tensor
{
    /// <summary>
    /// y = (x − mean)/√(var + eps)·weight + bias over the trailing dimensions <paramref name="normalizedShape"/>, as
    /// PyTorch's <c>F.layer_norm</c>: mean and biased variance are taken over each row of those dimensions; weight and
    /// bias (each of <paramref name="normalizedShape"/>, or null) apply element by element. The result has the input's shape.
    /// </summary>
    /// <param name="input">The values, [*, normalizedShape].</param>
    /// <param name="normalizedShape">The trailing dimensions to normalise over (at least one).</param>
    /// <param name="weight">Multiplies each normalised element, of <paramref name="normalizedShape"/>; null for none.</param>
    /// <param name="bias">Added to each element, of <paramref name="normalizedShape"/>; null for none.</param>
    /// <param name="eps">Added to the variance, so a constant row stays finite; positive.</param>
    /// <exception cref="ArgumentException">The input's trailing dimensions are not <paramref name="normalizedShape"/>, which is empty or has a negative dimension; the weight or bias is not of <paramref name="normalizedShape"/> or not of the input's dtype.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eps"/> is not positive (or NaN).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="normalizedShape"/> is null.</exception>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int features = LayerNormFeatures(input, normalizedShape, weight, bias, eps);
        int rows = features > 0 ? input.ElementCount / features : 0;

        var y = Empty(input.Shape.Dims, input.DType, "LayerNorm");
        var statistics = new LayerNormStatistics(rows, features, weight is not null, bias is not null);
        DTypeDispatch.Run(input.DType, new LayerNormForwardKernel(statistics, input, weight, bias, eps, y));
        return Tape.Record("LayerNorm", y, AffineInputs.Of(input, weight, bias), saved: weight is null ? [input] : [input, weight], LayerNormBackward, statistics);
    }

    /// <summary>
    /// dx += (1/σ)·(g·w − mean(g·w) − x̂·mean(g·w·x̂)) per row, dW += Σ_rows g·x̂, db += Σ_rows g, with x̂ = (x − mean)/σ
    /// from the saved row statistics (the inputs are x, then W and b when given).
    /// </summary>
    private static void LayerNormBackward(TapeEntry op, Tensor g, Gradients grads)
    {
        var statistics = (LayerNormStatistics)op.State!;
        var input = op.Input(0);
        var (weight, bias) = AffineInputs.Find(op, statistics.HasWeight, statistics.HasBias);
        Tensor? inputGrad = grads.Needs(input) ? grads.Buffer(input) : null;
        Tensor? weightGrad = weight is not null && grads.Needs(weight) ? grads.Buffer(weight) : null;
        Tensor? biasGrad = bias is not null && grads.Needs(bias) ? grads.Buffer(bias) : null;
        DTypeDispatch.Run(g.DType, new LayerNormBackwardKernel(statistics, input, weight, g, inputGrad, weightGrad, biasGrad));
    }

    /// <summary>Checks the arguments of <see cref="LayerNorm"/> and returns the elements per row (the product of <paramref name="normalizedShape"/>).</summary>
    private static int LayerNormFeatures(Tensor input, int[] normalizedShape, Tensor? weight, Tensor? bias, double eps)
    {
        string normalized = Shape.Format(normalizedShape);
        if (normalizedShape.Length == 0)
            throw new ArgumentException("LayerNorm: normalizedShape must have at least one dimension, got [].", nameof(normalizedShape));
        long features = 1;
        foreach (int d in normalizedShape)
        {
            if (d < 0)
                throw new ArgumentException($"LayerNorm: normalizedShape {normalized} has a negative dimension.", nameof(normalizedShape));
            features *= d;
        }
        if (double.IsNaN(eps) || eps <= 0)
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"LayerNorm: eps is {eps}; expected a positive number (1e-5 by default).");
        bool matches = input.Rank >= normalizedShape.Length;
        for (int i = 1; matches && i <= normalizedShape.Length; i++) matches = input.Shape.Dims[^i] == normalizedShape[^i];
        if (!matches)
            throw new ArgumentException(
                $"LayerNorm: expected input [*, {normalized.Trim('[', ']')}] for normalizedShape {normalized}, got {input.Shape}.", nameof(input));
        CheckAffine(input, weight, normalizedShape, nameof(weight));
        CheckAffine(input, bias, normalizedShape, nameof(bias));
        return (int)features; // at most the input's element count, which fits

        static void CheckAffine(Tensor input, Tensor? affine, int[] normalizedShape, string name)
        {
            if (affine is null) return;
            if (!affine.Shape.Dims.SequenceEqual(normalizedShape))
                throw new ArgumentException(
                    $"LayerNorm: the {name} must be of normalizedShape {Shape.Format(normalizedShape)}, got {affine.Shape}.", name);
            Elementwise.CheckSameDType("LayerNorm", input, affine);
        }
    }

    private readonly struct LayerNormForwardKernel(LayerNormStatistics statistics, Tensor input, Tensor? weight, Tensor? bias, double eps, Tensor output)
        : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Normalization.LayerNormForward(statistics, input.Storage<T>(), weight?.Storage<T>(), bias?.Storage<T>(), eps, output.Storage<T>());
    }

    private readonly struct LayerNormBackwardKernel(LayerNormStatistics statistics, Tensor input, Tensor? weight, Tensor gradOutput,
        Tensor? inputGrad, Tensor? weightGrad, Tensor? biasGrad) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Normalization.LayerNormBackward(statistics, input.Storage<T>(), weight?.Storage<T>(), gradOutput.Storage<T>(),
                inputGrad?.Storage<T>(), weightGrad?.Storage<T>(), biasGrad?.Storage<T>());
    }
}
