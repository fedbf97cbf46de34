using System.Globalization;
using System.Numerics;

namespace MiniNet;

/// <summary>
/// What an error about non-finite values shows of a tensor: its shape and dtype, the range of its finite elements and
/// how many are NaN, +∞ and −∞ — enough to tell an op that made a NaN from one that was handed it.
/// </summary>
internal readonly record struct ValueSummary(Shape Shape, DType DType, double Min, double Max, int FiniteCount, int NaNCount,
    int PositiveInfinityCount, int NegativeInfinityCount)
{
    /// <summary>True when every element is finite.</summary>
    public bool IsFinite => NaNCount == 0 && PositiveInfinityCount == 0 && NegativeInfinityCount == 0;

    /// <summary>The first kind of non-finite value present (NaN before +∞ before −∞), for <see cref="NotFiniteNumberException.OffendingNumber"/>.</summary>
    public double Offending => NaNCount > 0 ? double.NaN : PositiveInfinityCount > 0 ? double.PositiveInfinity : NegativeInfinityCount > 0
        ? double.NegativeInfinity : 0;

    /// <summary>Counts and ranges <paramref name="tensor"/>'s elements (one pass; only errors and anomaly mode call it).</summary>
    public static ValueSummary Of(Tensor tensor) => DTypeDispatch.Run<Counter, ValueSummary>(tensor.DType, new Counter(tensor));

    /// <summary>True when every element of <paramref name="tensor"/> is finite: the quick test before a summary is worth making.</summary>
    public static bool AllFinite(Tensor tensor) => DTypeDispatch.Run<FiniteTest, bool>(tensor.DType, new FiniteTest(tensor));

    /// <summary>"shape [2, 3] Float32, finite values in [-1, 4], 2 NaN, 1 +Inf, 0 -Inf".</summary>
    public override string ToString()
    {
        string range = FiniteCount == 0 ? "no finite values" : $"finite values in [{Number(Min)}, {Number(Max)}]";
        return $"shape {Shape} {DType}, {range}, {NaNCount} NaN, {PositiveInfinityCount} +Inf, {NegativeInfinityCount} -Inf";
    }

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private readonly struct Counter(Tensor tensor) : IDTypeKernel<ValueSummary>
    {
        public ValueSummary Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            int finite = 0, nan = 0, positive = 0, negative = 0;
            foreach (var element in tensor.Span<T>())
            {
                if (T.IsNaN(element)) nan++;
                else if (T.IsPositiveInfinity(element)) positive++;
                else if (T.IsNegativeInfinity(element)) negative++;
                else
                {
                    double value = double.CreateTruncating(element);
                    (min, max, finite) = (Math.Min(min, value), Math.Max(max, value), finite + 1);
                }
            }
            return new ValueSummary(tensor.Shape, tensor.DType, min, max, finite, nan, positive, negative);
        }
    }

    private readonly struct FiniteTest(Tensor tensor) : IDTypeKernel<bool>
    {
        public bool Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            ReadOnlySpan<T> elements = tensor.Span<T>();
            int i = 0;
            if (Vector.IsHardwareAccelerated && elements.Length >= Vector<T>.Count)
            {
                // x − x is 0 for a finite x and NaN for NaN and ±∞; a NaN, once in the sum, stays.
                var sum = Vector<T>.Zero;
                for (; i <= elements.Length - Vector<T>.Count; i += Vector<T>.Count)
                {
                    var lane = new Vector<T>(elements[i..]);
                    sum += lane - lane;
                }
                if (!Vector.EqualsAll(sum, Vector<T>.Zero)) return false;
            }
            for (; i < elements.Length; i++)
                if (!T.IsFinite(elements[i])) return false;
            return true;
        }
    }
}
