using System.Globalization;

namespace MiniNet.Tests.Heads;

/// <summary>Element-by-element comparisons with a relative tolerance, naming the first element that differs.</summary>
internal static class HeadAssert
{
    /// <summary>|actual − expected| ≤ relative·|expected| + absolute for every element; NaN matches only NaN, ±∞ only itself.</summary>
    public static void Close(double[] expected, Tensor actual, double relative, double absolute = 0, string what = "")
    {
        var values = Values(actual);
        Assert.True(expected.Length == values.Length, $"{what}: expected {expected.Length} elements, got {values.Length} ({actual.Shape}).");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = values[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? a == e
                : Math.Abs(a - e) <= relative * Math.Abs(e) + absolute;
            Assert.True(ok, string.Create(CultureInfo.InvariantCulture,
                $"{what}: element {i} is {a:R}, expected {e:R} (relative error {Math.Abs(a - e) / Math.Abs(e):g3}, allowed {relative:g3} + {absolute:g3})."));
        }
    }

    public static void Close(double expected, Tensor actual, double relative, double absolute = 0, string what = "") =>
        Close([expected], actual, relative, absolute, what);

    /// <summary>Every element finite (no NaN, no ∞).</summary>
    public static void Finite(Tensor actual, string what)
    {
        var values = Values(actual);
        for (int i = 0; i < values.Length; i++)
            Assert.True(double.IsFinite(values[i]), $"{what}: element {i} is {values[i]}.");
    }

    public static double[] Values(Tensor tensor)
    {
        var values = new double[tensor.ElementCount];
        for (int i = 0; i < values.Length; i++) values[i] = tensor.GetFlat(i);
        return values;
    }

    /// <summary>A tensor of the given dtype holding <paramref name="values"/>.</summary>
    public static Tensor Make(double[] values, Shape shape, DType dtype = DType.Float64) =>
        Tensor.FromArray(values, shape).To(dtype);
}
