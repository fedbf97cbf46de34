using System.Numerics;

namespace MiniNet.Tests.Kernels;

/// <summary>
/// A real number as Mantissa·2^Exponent, the mantissa a <see cref="BigInteger"/> rounded to about 200 bits after every
/// operation: the reference arithmetic of <see cref="BigRealFunctions"/>, written for clarity (series summed until their
/// terms vanish), independently of the kernels it checks.
/// </summary>
internal readonly record struct BigReal(BigInteger Mantissa, int Exponent)
{
    public const int Precision = 200;

    public static readonly BigReal Zero = new(BigInteger.Zero, 0);
    public static readonly BigReal One = new(BigInteger.One, 0);

    public int Sign => Mantissa.Sign;

    /// <summary>⌊log2 |value|⌋; meaningless for zero.</summary>
    public long Magnitude => Mantissa.IsZero ? long.MinValue : (long)BigInteger.Abs(Mantissa).GetBitLength() - 1 + Exponent;

    public static BigReal Of(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "BigReal holds finite values only");
        if (value == 0) return Zero;
        long bits = BitConverter.DoubleToInt64Bits(value);
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        BigInteger mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        return new BigReal(value < 0 ? -mantissa : mantissa, (biased == 0 ? 1 : biased) - 1075);
    }

    public static BigReal Of(long value) => Rounded(value, 0);

    /// <summary>The value rounded to <see cref="Precision"/> bits (half away from zero: a reference needs no ties rule).</summary>
    private static BigReal Rounded(BigInteger mantissa, int exponent)
    {
        long excess = (long)BigInteger.Abs(mantissa).GetBitLength() - Precision;
        if (excess <= 0) return new BigReal(mantissa, exponent);
        var half = BigInteger.One << (int)(excess - 1);
        var magnitude = (BigInteger.Abs(mantissa) + half) >> (int)excess;
        return new BigReal(mantissa.Sign < 0 ? -magnitude : magnitude, exponent + (int)excess);
    }

    public static BigReal operator +(BigReal a, BigReal b)
    {
        if (a.Mantissa.IsZero) return b;
        if (b.Mantissa.IsZero) return a;
        // Far below the other operand's precision, a term only rounds: drop it before aligning (keeps numbers small).
        if (a.Magnitude < b.Magnitude - Precision - 4) return b;
        if (b.Magnitude < a.Magnitude - Precision - 4) return a;
        int exponent = Math.Min(a.Exponent, b.Exponent);
        return Rounded((a.Mantissa << (a.Exponent - exponent)) + (b.Mantissa << (b.Exponent - exponent)), exponent);
    }

    public static BigReal operator -(BigReal a) => new(-a.Mantissa, a.Exponent);

    public static BigReal operator -(BigReal a, BigReal b) => a + -b;

    public static BigReal operator *(BigReal a, BigReal b) => Rounded(a.Mantissa * b.Mantissa, a.Exponent + b.Exponent);

    public static BigReal operator /(BigReal a, BigReal b)
    {
        if (b.Mantissa.IsZero) throw new DivideByZeroException();
        int shift = Precision + 2 + (int)b.Mantissa.GetBitLength() - (int)BigInteger.Abs(a.Mantissa).GetBitLength();
        shift = Math.Max(shift, 0);
        return Rounded((a.Mantissa << shift) / b.Mantissa, a.Exponent - shift - b.Exponent);
    }

    public static BigReal operator /(BigReal a, long b) => a / Of(b);

    public BigReal ScaleB(int n) => new(Mantissa, Exponent + n);

    public BigReal Abs() => new(BigInteger.Abs(Mantissa), Exponent);

    public int CompareTo(BigReal other) => (this - other).Sign;

    /// <summary>The nearest double (ties to even), subnormals and overflow to ±∞ included.</summary>
    public double ToDouble()
    {
        if (Mantissa.IsZero) return 0;
        var magnitude = BigInteger.Abs(Mantissa);
        long top = Magnitude;
        if (top > 1023) return Sign * double.PositiveInfinity;
        // Keep bits down to 2^(top − 52), or 2^−1074 in the subnormal range.
        long lowest = Math.Max(top - 52, -1074);
        long drop = lowest - Exponent;
        BigInteger kept;
        if (drop <= 0) kept = magnitude << (int)-drop;
        else
        {
            kept = magnitude >> (int)drop;
            var remainder = magnitude - (kept << (int)drop);
            var half = BigInteger.One << (int)(drop - 1);
            if (remainder > half || (remainder == half && !kept.IsEven)) kept += 1;
        }
        double result = Math.ScaleB((double)kept, (int)lowest);
        return Sign < 0 ? -result : result;
    }

    /// <summary>The nearest float, rounded once from the exact value (not through the nearest double).</summary>
    public float ToSingle()
    {
        if (Mantissa.IsZero) return 0;
        long top = Magnitude;
        if (top > 127) return Sign * float.PositiveInfinity;
        long lowest = Math.Max(top - 23, -149);
        // Rounding at the float's last place is exact arithmetic on the mantissa; the result then fits a double exactly.
        var scaled = ScaleB((int)-lowest);
        var magnitude = BigInteger.Abs(scaled.Mantissa);
        BigInteger kept;
        if (scaled.Exponent >= 0) kept = magnitude << scaled.Exponent;
        else
        {
            int drop = -scaled.Exponent;
            kept = magnitude >> drop;
            var remainder = magnitude - (kept << drop);
            var half = BigInteger.One << (drop - 1);
            if (remainder > half || (remainder == half && !kept.IsEven)) kept += 1;
        }
        float result = (float)Math.ScaleB((double)kept, (int)lowest);
        return Sign < 0 ? -result : result;
    }

    /// <summary>
    /// How far <paramref name="computed"/> is from this exact value, in units in the last place of T at the exact value
    /// (the subnormal spacing below the normal range). Infinite where the computed value is not finite.
    /// </summary>
    public double UlpsFrom(double computed, int mantissaBits, int lowestExponent)
    {
        if (!double.IsFinite(computed)) return double.PositiveInfinity;
        long top = Mantissa.IsZero ? lowestExponent : Math.Max(Magnitude - mantissaBits, lowestExponent);
        return Math.Abs((Of(computed) - this).ScaleB((int)-top).ToDouble());
    }
}
