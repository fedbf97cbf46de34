namespace MiniNet.Reporting;

/// <summary>
/// Tick positions a person would choose: multiples of 1, 2 or 5 times a power of ten (Heckbert's "nice
/// numbers", Graphics Gems 1990), and decades on a logarithmic axis.
/// </summary>
internal static class NiceTicks
{
    private static readonly int[] StepMantissas = [1, 2, 5];
    private const double Slack = 1e-9; // in steps: 0.3 / 0.1 = 2.9999999999999996 still counts as tick 3

    /// <summary>
    /// Ticks for a linear axis covering [<paramref name="min"/>, <paramref name="max"/>] with the smallest
    /// 1-2-5 step that needs at most <paramref name="maxIntervals"/> intervals. The axis grows to the ticks
    /// just outside the data, unless <paramref name="fixedRange"/> keeps it exactly [min, max] (ticks inside only).
    /// A single value (min = max) gets a range around it: ±10 % (±1 when it is 0).
    /// </summary>
    /// <param name="min">The smallest value to show.</param>
    /// <param name="max">The largest value to show.</param>
    /// <param name="maxIntervals">At most this many steps between the first and the last tick (at least 1).</param>
    /// <param name="fixedRange">Keep the axis at [min, max] instead of growing it to nice bounds.</param>
    /// <param name="integerStep">Steps of at least 1 (for epochs, counts), and ±1 around a single value.</param>
    /// <param name="percent">Label 0.25 as "25%".</param>
    /// <exception cref="ArgumentException">A bound is not finite, min &gt; max, max − min overflows, or a fixed range is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">maxIntervals &lt; 1.</exception>
    public static AxisScale Linear(double min, double max, int maxIntervals, bool fixedRange = false, bool integerStep = false, bool percent = false)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || min > max)
            throw new ArgumentException($"NiceTicks: the range [{min}, {max}] must be finite with min ≤ max.", nameof(min));
        if (maxIntervals < 1)
            throw new ArgumentOutOfRangeException(nameof(maxIntervals), maxIntervals, "NiceTicks: at least one interval is needed.");
        if (!double.IsFinite(max - min))
            throw new ArgumentException($"NiceTicks: the range [{min}, {max}] is wider than a double can hold.", nameof(max));
        if (min == max)
        {
            if (fixedRange) throw new ArgumentException($"NiceTicks: a fixed range [{min}, {max}] must not be empty.", nameof(max));
            double halfWidth = integerStep ? 1 : min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - halfWidth, max + halfWidth);
        }

        int exponent = (int)Math.Floor(Math.Log10((max - min) / maxIntervals)) - 1;
        if (integerStep) exponent = Math.Max(exponent, 0);
        for (; ; exponent++)
        {
            foreach (int mantissa in StepMantissas)
            {
                double step = Scale(mantissa, exponent);
                long first = (long)(fixedRange ? Math.Ceiling(min / step - Slack) : Math.Floor(min / step + Slack));
                long last = (long)(fixedRange ? Math.Floor(max / step + Slack) : Math.Ceiling(max / step - Slack));
                if (last - first > maxIntervals) continue;

                double largest = Math.Max(Math.Abs(first), Math.Abs(last)) * step;
                int labelExponent = percent ? exponent + 2 : exponent;
                bool scientific = TickLabel.PrefersScientific(labelExponent, percent ? largest * 100 : largest);
                var ticks = new List<Tick>((int)(last - first + 1));
                for (long k = first; k <= last; k++)
                {
                    long units = k * mantissa;
                    string label = scientific ? TickLabel.Scientific(units, labelExponent) : TickLabel.Fixed(units, labelExponent, Math.Max(0, -labelExponent));
                    ticks.Add(new Tick(Scale(units, exponent), percent ? label + "%" : label, IsMajor: true));
                }
                return fixedRange
                    ? new AxisScale(min, max, IsLog: false, ticks)
                    : new AxisScale(Scale(first * mantissa, exponent), Scale(last * mantissa, exponent), IsLog: false, ticks);
            }
        }
    }

    /// <summary>
    /// Ticks for a logarithmic axis: it spans whole decades around [<paramref name="min"/>, <paramref name="max"/>],
    /// with a labelled tick every decade (every few decades if there are more than <paramref name="maxIntervals"/>),
    /// unlabelled minor ticks at 2–9 × 10^k when the decades are few, and labels at 2 and 5 × 10^k too when
    /// there is room for them (at most about one decade's worth of data).
    /// </summary>
    /// <param name="min">The smallest value to show (positive).</param>
    /// <param name="max">The largest value to show.</param>
    /// <param name="maxIntervals">At most this many intervals between labelled ticks.</param>
    /// <param name="fixedRange">Keep the axis at [min, max] instead of growing it to whole decades.</param>
    /// <param name="percent">Label 0.25 as "25%".</param>
    /// <exception cref="ArgumentException">A bound is not finite and positive, min &gt; max, or a fixed range is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">maxIntervals &lt; 1.</exception>
    public static AxisScale Log(double min, double max, int maxIntervals, bool fixedRange = false, bool percent = false)
    {
        if (!(min > 0) || !double.IsFinite(max) || min > max)
            throw new ArgumentException($"NiceTicks: a logarithmic range [{min}, {max}] must be positive and finite with min ≤ max.", nameof(min));
        if (maxIntervals < 1)
            throw new ArgumentOutOfRangeException(nameof(maxIntervals), maxIntervals, "NiceTicks: at least one interval is needed.");
        if (fixedRange && min == max) throw new ArgumentException($"NiceTicks: a fixed range [{min}, {max}] must not be empty.", nameof(max));

        int low = FloorLog10(min), high = CeilingLog10(max);
        if (low == high) (low, high) = (low - 1, high + 1); // min = max = 10^k: centre it
        int decadeStep = (high - low + maxIntervals - 1) / maxIntervals;
        high = low + (high - low + decadeStep - 1) / decadeStep * decadeStep;
        int decades = high - low;
        bool minorTicks = decadeStep == 1 && decades <= 6;
        bool labelTwoAndFive = decadeStep == 1 && 3 * decades <= maxIntervals;

        var ticks = new List<Tick>();
        for (int k = low; k <= high; k++)
        {
            bool labelled = (k - low) % decadeStep == 0;
            ticks.Add(new Tick(Scale(1, k), labelled ? LogLabel(1, k, percent) : "", IsMajor: labelled));
            if (!minorTicks || k == high) continue;
            for (int m = 2; m <= 9; m++)
                ticks.Add(new Tick(Scale(m, k), labelTwoAndFive && m is 2 or 5 ? LogLabel(m, k, percent) : "", IsMajor: false));
        }
        if (!fixedRange) return new AxisScale(Scale(1, low), Scale(1, high), IsLog: true, ticks);
        return new AxisScale(min, max, IsLog: true, ticks.Where(t => t.Value >= min * (1 - Slack) && t.Value <= max * (1 + Slack)).ToList());
    }

    /// <summary><c>mantissa × 10^exponent</c> as the double nearest the decimal (dividing by an exact power of ten for negative exponents).</summary>
    internal static double Scale(long mantissa, int exponent) =>
        exponent >= 0 ? mantissa * Pow10(exponent) : mantissa / Pow10(-exponent);

    private static double Pow10(int n) => n <= 22 ? ExactPowersOfTen[n] : Math.Pow(10, n); // 10^22 is the last one a double holds exactly

    private static readonly double[] ExactPowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>The largest k with 10^k ≤ x (Math.Log10 alone can be one off near powers of ten).</summary>
    internal static int FloorLog10(double x)
    {
        int k = (int)Math.Floor(Math.Log10(x));
        if (Scale(1, k + 1) <= x) return k + 1;
        return Scale(1, k) > x ? k - 1 : k;
    }

    /// <summary>The smallest k with 10^k ≥ x.</summary>
    internal static int CeilingLog10(double x)
    {
        int k = (int)Math.Ceiling(Math.Log10(x));
        if (Scale(1, k - 1) >= x) return k - 1;
        return Scale(1, k) < x ? k + 1 : k;
    }

    private static string LogLabel(int mantissa, int exponent, bool percent)
    {
        int labelExponent = percent ? exponent + 2 : exponent;
        string label = labelExponent < -4 || labelExponent >= 6
            ? TickLabel.Scientific(mantissa, labelExponent)
            : TickLabel.Fixed(mantissa, labelExponent, Math.Max(0, -labelExponent));
        return percent ? label + "%" : label;
    }
}
