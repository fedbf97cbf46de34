namespace MiniNet.Ops;

/// <summary>
/// The tape inputs of a normalisation with an optional per-feature weight and bias (LayerNorm, BatchNorm): x, then the
/// weight and the bias that were given, in that order — and, in the backward rule, which input is which.
/// </summary>
internal static class AffineInputs
{
    /// <summary>[x], [x, w], [x, b] or [x, w, b].</summary>
    public static Tensor[] Of(Tensor input, Tensor? weight, Tensor? bias) => (weight, bias) switch
    {
        (null, null) => [input],
        (not null, null) => [input, weight],
        (null, not null) => [input, bias],
        _ => [input, weight, bias],
    };

    /// <summary>The weight and the bias among <paramref name="op"/>'s inputs, null where the op had none.</summary>
    public static (Tensor? Weight, Tensor? Bias) Find(TapeEntry op, bool hasWeight, bool hasBias) =>
        (hasWeight ? op.Input(1) : null, hasBias ? op.Input(hasWeight ? 2 : 1) : null);
}
