namespace MiniNet.Optim;

/// <summary>The checks every optimiser, schedule and clipping function applies to its hyper-parameters.</summary>
internal static class Require
{
    /// <summary>A finite value ≥ 0 (learning rates, weight decay, momentum, eps).</summary>
    public static double NonNegative(double value, string name, string owner)
    {
        if (!(value >= 0) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be a finite number ≥ 0, got {value}.");
        return value;
    }

    /// <summary>A value in [0, 1) (Adam's betas), or in [0, 1] when <paramref name="oneAllowed"/>.</summary>
    public static double Fraction(double value, string name, string owner, bool oneAllowed)
    {
        if (!(value >= 0) || (oneAllowed ? !(value <= 1) : !(value < 1)))
            throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be in [0, 1{(oneAllowed ? "]" : ")")}, got {value}.");
        return value;
    }

    /// <summary>A count ≥ 1 (periods, iteration counts).</summary>
    public static int Positive(int value, string name, string owner)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be at least 1, got {value}.");
        return value;
    }
}
