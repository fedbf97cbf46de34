using System.Numerics;
using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet.Optim;

/// <summary>
/// Gradient clipping, as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>: call
/// it between <c>Backward()</c> and the optimiser's <c>Step()</c>. Parameters whose gradient is null are skipped.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales the gradients so that their total norm (all gradients viewed as one vector) is at most
    /// <paramref name="maxNorm"/>: every gradient is multiplied by min(1, maxNorm / (total + 1e-6)).
    /// Returns the total norm before clipping.
    /// </summary>
    /// <remarks>
    /// A non-finite total is returned as is and, unless <paramref name="errorIfNonfinite"/>, scales the
    /// gradients as in PyTorch (a NaN total makes them all NaN; an infinite one zeroes the finite elements).
    /// Unlike PyTorch, a total that overflows only in the intermediate sum (|g| above ~1e154 in float64) is
    /// computed without overflow, so finite gradients always give a finite norm.
    /// <para>Non-finite gradients, three guards: <paramref name="errorIfNonfinite"/> here refuses to clip (it names the
    /// first parameter whose gradient holds NaN or ±∞); <see cref="Optimizer.ErrorIfNonfinite"/> refuses the step itself,
    /// leaving the weights as they were; <see cref="Tape.DetectAnomaly"/> names the op that made the first NaN.</para>
    /// </remarks>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">The largest total norm allowed (≥ 0; +∞ only measures).</param>
    /// <param name="normType">The p of the p-norm (&gt; 0), or <see cref="double.PositiveInfinity"/> for the largest |g|.</param>
    /// <param name="errorIfNonfinite">Throw instead of scaling when the total norm is NaN or infinite.</param>
    /// <returns>The total norm of the gradients before clipping; 0 when no parameter has a gradient.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or NaN, or <paramref name="normType"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException">The total norm is not finite and <paramref name="errorIfNonfinite"/> is true.</exception>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"ClipGradNorm: maxNorm must be ≥ 0, got {maxNorm}.");
        if (!(normType > 0))
            throw new ArgumentOutOfRangeException(nameof(normType), normType,
                $"ClipGradNorm: normType must be a p > 0 (2 for the Euclidean norm) or double.PositiveInfinity for the largest |g|, got {normType}.");

        var gradients = Gradients(parameters, nameof(ClipGradNorm), out var owners);
        if (gradients.Count == 0) return 0;
        double total = TotalNorm(gradients, normType);
        if (errorIfNonfinite && !double.IsFinite(total))
            throw new InvalidOperationException(
                $"ClipGradNorm: the total norm of order {normType} of the gradients is {total}, so they cannot be clipped{FirstNonfinite(gradients, owners)}. " +
                "To scale the gradients by the non-finite norm anyway, pass errorIfNonfinite: false.");

        // PyTorch multiplies even by a coefficient of exactly 1; skipping that changes no value.
        double coefficient = Math.Min(maxNorm / (total + 1e-6), 1.0);
        if (coefficient != 1)
        {
            foreach (var gradient in gradients) gradient.MulInPlace(coefficient);
        }
        return total;
    }

    /// <summary>Clamps every gradient element into [−<paramref name="clipValue"/>, <paramref name="clipValue"/>]; NaN stays NaN.</summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="clipValue">The largest magnitude allowed (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is negative or NaN.</exception>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0))
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, $"ClipGradValue: clipValue must be ≥ 0, got {clipValue}.");
        var clamp = new ClampOp(-clipValue, clipValue);
        foreach (var gradient in Gradients(parameters, nameof(ClipGradValue), out _))
        {
            gradient.BeginInPlace(nameof(ClipGradValue));
            Elementwise.MapInPlace(gradient, clamp);
        }
    }

    /// <summary>The gradients that are set, and the position of each one's parameter (for error messages).</summary>
    private static List<Tensor> Gradients(IEnumerable<Tensor> parameters, string owner, out List<int> owners)
    {
        var gradients = new List<Tensor>();
        owners = [];
        int index = 0;
        foreach (var parameter in parameters)
        {
            if (parameter is null)
                throw new ArgumentNullException(nameof(parameters), $"{owner}: parameter {index} is null.");
            if (parameter.Grad is { } gradient)
            {
                gradients.Add(gradient);
                owners.Add(index);
            }
            index++;
        }
        return gradients;
    }

    /// <summary>(Σ |g|ᵖ)^(1/p) over every element of every gradient, or max |g| for p = ∞; NaN if any element is NaN.</summary>
    private static double TotalNorm(List<Tensor> gradients, double p)
    {
        if (double.IsPositiveInfinity(p))
        {
            double largest = 0;
            foreach (var gradient in gradients) largest = Math.Max(largest, LargestMagnitude(gradient));
            return largest;
        }
        double sum = 0;
        bool anyFloat32 = false;
        foreach (var gradient in gradients)
        {
            sum += PowerSum(gradient, p, scale: 1);
            anyFloat32 |= gradient.DType == DType.Float32;
        }
        // The plain sum is accurate unless it overflowed or its terms underflowed: float32 squares are summed
        // in float32 (below ~1e-38 they lose digits), everything else in double.
        double smallestAccurate = p == 2 && anyFloat32 ? 1e-30 : 1e-280;
        if (double.IsFinite(sum) && sum > smallestAccurate) return p == 2 ? Math.Sqrt(sum) : ElementaryFunctions.Pow(sum, 1 / p);
        return Rescaled(gradients, p, sum);
    }

    /// <summary>
    /// The p-norm when the plain sum overflowed or underflowed: computed as m·(Σ (|g|/m)ᵖ)^(1/p) with
    /// m the largest |g|, which cannot overflow. NaN and ∞ elements still give NaN and ∞.
    /// </summary>
    private static double Rescaled(List<Tensor> gradients, double p, double plainSum)
    {
        if (double.IsNaN(plainSum)) return double.NaN;
        double largest = 0;
        foreach (var gradient in gradients) largest = Math.Max(largest, LargestMagnitude(gradient));
        if (largest == 0 || !double.IsFinite(largest)) return largest; // all zero, or an ∞ (or NaN) element
        double scaledSum = 0;
        foreach (var gradient in gradients) scaledSum += PowerSum(gradient, p, largest);
        return largest * ElementaryFunctions.Pow(scaledSum, 1 / p);
    }

    /// <summary>Σ (|g| / scale)ᵖ over one gradient; the common case, p = 2 unscaled, is the vectorised dot product g·g.</summary>
    private static double PowerSum(Tensor gradient, double p, double scale) =>
        DTypeDispatch.Run<PowerSumKernel, double>(gradient.DType, new PowerSumKernel(gradient, p, scale));

    private static double LargestMagnitude(Tensor gradient) =>
        DTypeDispatch.Run<LargestMagnitudeKernel, double>(gradient.DType, new LargestMagnitudeKernel(gradient));

    /// <summary>Σ (|x| / scale)ᵖ, in double.</summary>
    private readonly struct PowerSumKernel(Tensor gradient, double p, double scale) : IDTypeKernel<double>
    {
        public double Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var x = gradient.Span<T>();
            if (p == 2 && scale == 1) return Simd.Dot<T>(x, x);
            double sum = 0;
            foreach (var value in x) sum += ElementaryFunctions.Pow(Math.Abs(double.CreateTruncating(value)) / scale, p);
            return sum;
        }
    }

    /// <summary>The largest |x|, NaN if any element is NaN.</summary>
    private readonly struct LargestMagnitudeKernel(Tensor gradient) : IDTypeKernel<double>
    {
        public double Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            double largest = 0;
            foreach (var value in gradient.Span<T>()) largest = Math.Max(largest, double.CreateTruncating(T.Abs(value)));
            return largest;
        }
    }

    /// <summary>Names the first parameter whose gradient holds a NaN or ∞, for the error message.</summary>
    private static string FirstNonfinite(List<Tensor> gradients, List<int> owners)
    {
        for (int i = 0; i < gradients.Count; i++)
        {
            if (!double.IsFinite(LargestMagnitude(gradients[i])))
                return $": the gradient of parameter {owners[i]} (shape {gradients[i].Shape}) holds NaN or infinite values";
        }
        return "";
    }
}
