namespace MiniNet.Layers;

// Activation functions as modules, for Sequential models. Each is a thin wrapper over the tensor op of
// the same name, whose forward and backward live in src/MiniNet/Ops.

/// <summary>max(x, 0).</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }
}

/// <summary>x for x &gt; 0, slope·x otherwise (PyTorch's default slope 0.01).</summary>
/// <param name="negativeSlope">The slope for negative inputs: any finite number, as PyTorch accepts.</param>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="negativeSlope"/> is NaN or infinite.</exception>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module
{
    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; } = Tensor.CheckNegativeSlope(negativeSlope, nameof(LeakyReLU));

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.LeakyRelu(NegativeSlope);
    }

    /// <inheritdoc/>
    public override string Describe() => $"LeakyReLU(negativeSlope={NegativeSlope})";
}

/// <summary>The hyperbolic tangent.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Tanh();
    }
}

/// <summary>The logistic sigmoid. For an output layer trained with binary cross-entropy use the fused sigmoid head instead.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Sigmoid();
    }
}

/// <summary>The Gaussian error linear unit x·Φ(x), or its tanh approximation (PyTorch's <c>approximate='tanh'</c>).</summary>
/// <param name="tanhApproximation">Use 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</param>
public sealed class GELU(bool tanhApproximation = false) : Module
{
    /// <summary>Whether the tanh approximation is used.</summary>
    public bool TanhApproximation { get; } = tanhApproximation;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Gelu(TanhApproximation);
    }

    /// <inheritdoc/>
    public override string Describe() => TanhApproximation ? "GELU(approximate=tanh)" : "GELU()";
}

/// <summary>log(1 + e^(βx)) / β, linear above a threshold (PyTorch's defaults β = 1, threshold 20).</summary>
/// <param name="beta">β, positive and finite.</param>
/// <param name="threshold">Above β·x &gt; threshold the output is x; not NaN.</param>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is not positive and finite, or <paramref name="threshold"/> is NaN.</exception>
public sealed class Softplus(double beta = 1, double threshold = 20) : Module
{
    /// <summary>β.</summary>
    public double Beta { get; } = Checked(beta, threshold); // a bad layer fails where it is built, not at its first forward

    /// <summary>The threshold above which the output is linear.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Softplus(Beta, Threshold);
    }

    /// <inheritdoc/>
    public override string Describe() => $"Softplus(beta={Beta}, threshold={Threshold})";

    private static double Checked(double beta, double threshold)
    {
        Tensor.CheckSoftplus(beta, threshold, nameof(Softplus));
        return beta;
    }
}
