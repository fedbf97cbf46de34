using System.Globalization;

namespace MiniNet.Reporting;

/// <summary>
/// Tick labels written from the exact decimal value <c>units × 10^exponent</c> rather than from a double, so that
/// a tick at 3 × 0.1 reads "0.3", never "0.30000000000000004".
/// </summary>
internal static class TickLabel
{
    /// <summary>
    /// <c>units × 10^exponent</c> in fixed notation with exactly <paramref name="decimals"/> decimals
    /// (at least the −<paramref name="exponent"/> the value needs): (35, −2, 2) → "0.35", (3, 2, 0) → "300".
    /// </summary>
    public static string Fixed(long units, int exponent, int decimals)
    {
        string digits = Math.Abs(units).ToString(CultureInfo.InvariantCulture);
        if (exponent > 0 && units != 0) digits += new string('0', exponent);
        int scale = Math.Max(0, -exponent);
        if (scale > decimals)
            throw new ArgumentOutOfRangeException(nameof(decimals), decimals, $"TickLabel: {units}e{exponent} needs {scale} decimals.");
        if (digits.Length <= scale) digits = new string('0', scale - digits.Length + 1) + digits;
        string integerPart = digits[..^scale];
        string fraction = digits[^scale..] + new string('0', decimals - scale);
        string sign = units < 0 ? "-" : "";
        return decimals == 0 ? sign + integerPart : sign + integerPart + "." + fraction;
    }

    /// <summary>
    /// <c>units × 10^exponent</c> in scientific notation with as many digits as the value has:
    /// (25, −7) → "2.5e-6", (10, −6) → "1e-5", (0, any) → "0".
    /// </summary>
    public static string Scientific(long units, int exponent)
    {
        if (units == 0) return "0";
        string digits = Math.Abs(units).ToString(CultureInfo.InvariantCulture);
        string significant = digits.TrimEnd('0');
        int power = exponent + digits.Length - 1;
        string mantissa = significant.Length == 1 ? significant : significant[..1] + "." + significant[1..];
        return (units < 0 ? "-" : "") + mantissa + "e" + power.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Whether an axis whose step is <c>10^stepExponent</c> (times 1, 2 or 5) and whose largest tick is
    /// <paramref name="largestMagnitude"/> reads better in scientific notation: steps below 0.0001 or ticks from a million up.
    /// </summary>
    public static bool PrefersScientific(int stepExponent, double largestMagnitude) => stepExponent < -4 || largestMagnitude >= 1e6;
}
