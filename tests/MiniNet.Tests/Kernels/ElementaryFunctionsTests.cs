using System.Numerics;
using MiniNet.Kernels;
using Xunit.Abstractions;

namespace MiniNet.Tests.Kernels;

/// <summary>
/// MiniNet's elementary functions (<see cref="ElementaryFunctions"/>): within their ulp budgets of exact references, the
/// same bits at every vector width, and the special values of IEEE 754 and C99.
/// </summary>
/// <remarks>
/// Each range is sampled at 150 evenly spaced and 150 seeded random points by default; set MININET_ELEMENTARY_SWEEP to a
/// multiplier (for example 100) for a longer run.
/// </remarks>
public class ElementaryFunctionsTests(ITestOutputHelper output)
{
    private static readonly int SamplesPerRange = 150 * Math.Max(1, int.TryParse(Environment.GetEnvironmentVariable("MININET_ELEMENTARY_SWEEP"), out int m) ? m : 1);

    public static TheoryData<string, string> NamesAndTypes() => ElementaryCase.NamesAndTypes();

    [Theory]
    [MemberData(nameof(NamesAndTypes))]
    public void Is_within_its_ulp_budget_of_the_exact_value(string name, string type)
    {
        var row = ElementaryCase.Named(name);
        if (type == "float") CheckAccuracy<float>(row, row.SingleInputs, row.SingleUlps);
        else CheckAccuracy<double>(row, row.DoubleInputs, row.DoubleUlps);
    }

    [Theory]
    [MemberData(nameof(NamesAndTypes))]
    public void Gives_the_same_bits_at_every_width(string name, string type)
    {
        var row = ElementaryCase.Named(name);
        if (type == "float") CheckSameBits(row.Function, WithSpecialValues(Inputs<float>(row.SingleInputs)));
        else CheckSameBits(row.Function, WithSpecialValues(Inputs<double>(row.DoubleInputs)));
    }

    // Expected results, for both element types unless the function is double only.
    public static TheoryData<string, double, double> SpecialValues() => new()
    {
        { "Exp", 0, 1 }, { "Exp", -0.0, 1 }, { "Exp", double.NegativeInfinity, 0 }, { "Exp", double.PositiveInfinity, double.PositiveInfinity },
        { "Exp", -1000, 0 }, { "Exp", 1000, double.PositiveInfinity }, { "Exp", double.NaN, double.NaN },
        { "Expm1", 0, 0 }, { "Expm1", -0.0, -0.0 }, { "Expm1", double.NegativeInfinity, -1 }, { "Expm1", -1000, -1 },
        { "Expm1", double.PositiveInfinity, double.PositiveInfinity }, { "Expm1", 1000, double.PositiveInfinity }, { "Expm1", 1e-30, 1e-30 },
        { "Expm1", double.NaN, double.NaN },
        { "Log", 1, 0 }, { "Log", 0, double.NegativeInfinity }, { "Log", -0.0, double.NegativeInfinity }, { "Log", -1, double.NaN },
        { "Log", double.NegativeInfinity, double.NaN }, { "Log", double.PositiveInfinity, double.PositiveInfinity }, { "Log", double.NaN, double.NaN },
        { "Log1p", 0, 0 }, { "Log1p", -0.0, -0.0 }, { "Log1p", -1, double.NegativeInfinity }, { "Log1p", -2, double.NaN },
        { "Log1p", double.NegativeInfinity, double.NaN }, { "Log1p", double.PositiveInfinity, double.PositiveInfinity }, { "Log1p", 1e-30, 1e-30 },
        { "Log1p", double.NaN, double.NaN },
        { "Tanh", 0, 0 }, { "Tanh", -0.0, -0.0 }, { "Tanh", double.PositiveInfinity, 1 }, { "Tanh", double.NegativeInfinity, -1 },
        { "Tanh", 30, 1 }, { "Tanh", -30, -1 }, { "Tanh", 1e-30, 1e-30 }, { "Tanh", -1e-30, -1e-30 }, { "Tanh", double.NaN, double.NaN },
        { "Erf", 0, 0 }, { "Erf", -0.0, -0.0 }, { "Erf", double.PositiveInfinity, 1 }, { "Erf", double.NegativeInfinity, -1 },
        { "Erf", 7, 1 }, { "Erf", double.NaN, double.NaN },
        { "Erfc", 0, 1 }, { "Erfc", double.PositiveInfinity, 0 }, { "Erfc", double.NegativeInfinity, 2 }, { "Erfc", 28, 0 },
        { "Erfc", -7, 2 }, { "Erfc", double.NaN, double.NaN },
    };

    [Theory]
    [MemberData(nameof(SpecialValues))]
    public void Special_values_are_exact(string name, double x, double expected)
    {
        var row = ElementaryCase.Named(name);
        if (!row.DoubleOnly) AssertSameBits(float.CreateTruncating(expected), AtEveryWidth.Apply(row.Function, [float.CreateTruncating(x)], 1)[0], $"{name}((float){x})");
        AssertSameBits(expected, AtEveryWidth.Apply(row.Function, [x], 1)[0], $"{name}({x})");
    }

    [Fact]
    public void Special_values_at_float_edges()
    {
        // float exp underflows through the subnormals: e^−103.97 ≈ 2^−150, half the smallest subnormal.
        Assert.Equal(float.Epsilon, ElementaryFunctions.Exp(-103.2789f));
        Assert.Equal(0f, ElementaryFunctions.Exp(-104f));
        Assert.Equal(float.PositiveInfinity, ElementaryFunctions.Exp(88.73f));
        Assert.Equal(double.Epsilon, ElementaryFunctions.Exp(-744.44));
        Assert.Equal(0.0, ElementaryFunctions.Exp(-745.2));
        Assert.Equal(double.PositiveInfinity, ElementaryFunctions.Exp(709.8));
        Assert.Equal(-103.27893f, ElementaryFunctions.Log(float.Epsilon));
        Assert.Equal(-744.4400719213812, ElementaryFunctions.Log(double.Epsilon));
    }

    [Theory]
    [InlineData("float")]
    [InlineData("double")]
    public void Exp_is_1_at_0_and_never_above_1_below_0(string type)
    {
        // A softmax probability e^(x − max − log Σ) must never exceed 1.
        if (type == "float")
        {
            var xs = Enumerable.Range(0, 1 << 14).Select(i => -i / 16384f).Concat([-0f, -float.Epsilon, -1e-30f, -6e-8f, -3e-8f]).ToArray();
            foreach (int width in AtEveryWidth.Widths)
                Assert.All(AtEveryWidth.Apply(ElementaryCase.Named("Exp").Function, xs, width), y => Assert.True(y <= 1f, $"e^x = {y:R} > 1 for x ≤ 0"));
            Assert.Equal(1f, ElementaryFunctions.Exp(0f));
        }
        else
        {
            var xs = Enumerable.Range(0, 1 << 14).Select(i => -i / 16384.0).Concat([-0.0, -double.Epsilon, -1e-300, -1.2e-16, -5e-17]).ToArray();
            foreach (int width in AtEveryWidth.Widths)
                Assert.All(AtEveryWidth.Apply(ElementaryCase.Named("Exp").Function, xs, width), y => Assert.True(y <= 1.0, $"e^x = {y:R} > 1 for x ≤ 0"));
            Assert.Equal(1.0, ElementaryFunctions.Exp(0.0));
        }
    }

    [Fact]
    public void Tanh_is_odd_and_within_minus_1_and_1()
    {
        var xs = Enumerable.Range(-4000, 8001).Select(i => i / 200.0).ToArray();
        foreach (double x in xs)
        {
            double y = ElementaryFunctions.Tanh(x);
            float yf = ElementaryFunctions.Tanh((float)x);
            Assert.True(Math.Abs(y) <= 1 && Math.Abs(yf) <= 1, $"tanh({x}) = {y:R}, {yf:R}");
            Assert.Equal(-y, ElementaryFunctions.Tanh(-x));
            Assert.Equal(-yf, ElementaryFunctions.Tanh(-(float)x));
        }
    }

    private static readonly double[] PowBases =
    [
        0, -0.0, double.Epsilon, -double.Epsilon, 1e-300, -1e-300, 0.5, -0.5, 1, -1, 1.5, -1.5, 2, -2, 3, -3, 10, -10,
        1e300, -1e300, double.MaxValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN,
    ];

    private static readonly double[] PowExponents =
    [
        0, -0.0, 0.5, -0.5, 1, -1, 2, -2, 3, -3, 2.5, -2.5, 1023, -1074, 1e20, -1e20, 9007199254740991, -9007199254740991,
        1e300, -1e300, double.PositiveInfinity, double.NegativeInfinity, double.NaN,
    ];

    [Theory]
    [InlineData("float")]
    [InlineData("double")]
    public void Pow_follows_Math_Pow_in_every_special_case(string type)
    {
        // Where Math.Pow (or MathF.Pow) answers NaN, ±0, ±1 or ±∞, MiniNet gives the same bits (its NaN only needs to be
        // a NaN); elsewhere its sign and a magnitude within the budget of the exact |x|^y.
        foreach (double bx in PowBases)
        foreach (double by in PowExponents)
        {
            if (type == "float")
            {
                float x = (float)bx, y = (float)by, expected = MathF.Pow(x, y), actual = ElementaryFunctions.Pow(x, y);
                CheckPow(x, y, expected, actual, float.IsNaN(expected) || expected == 0 || Math.Abs(expected) == 1 || float.IsInfinity(expected),
                    exact => exact.UlpsFrom(actual, 23, -149), 1);
            }
            else
            {
                double expected = Math.Pow(bx, by), actual = ElementaryFunctions.Pow(bx, by);
                CheckPow(bx, by, expected, actual, double.IsNaN(expected) || expected == 0 || Math.Abs(expected) == 1 || double.IsInfinity(expected),
                    exact => exact.UlpsFrom(actual, 52, -1074), 2);
            }
        }
    }

    private static void CheckPow<T>(T x, T y, T expected, T actual, bool special, Func<BigReal, double> ulps, double budget)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (special)
        {
            if (T.IsNaN(expected)) Assert.True(T.IsNaN(actual), $"pow({x:R}, {y:R}) = {actual:R}, expected NaN");
            else AssertSameBits(expected, actual, $"pow({x:R}, {y:R})");
            return;
        }
        Assert.True(T.Sign(expected) == T.Sign(actual), $"pow({x:R}, {y:R}) = {actual:R}, expected the sign of {expected:R}");
        var exact = BigRealFunctions.PowOfMagnitude(BigReal.Of(double.CreateTruncating(x)), BigReal.Of(double.CreateTruncating(y)));
        Assert.True(ulps(T.Sign(actual) < 0 ? -exact : exact) <= budget, $"pow({x:R}, {y:R}) = {actual:R}, {ulps(exact):F3} ulps from exact");
    }

    [Theory]
    [InlineData("float")]
    [InlineData("double")]
    public void Pow_is_within_its_ulp_budget_and_the_same_bits_at_every_width(string type)
    {
        // Bases over the whole range and exponents that take |y·log x| up to overflow, where log's error is multiplied most.
        var random = new Random(10);
        int count = 4 * SamplesPerRange;
        var xs = new double[count];
        var ys = new double[count];
        double largest = type == "float" ? 88 : 709;
        for (int i = 0; i < count; i++)
        {
            double logX = type == "float" ? random.NextDouble() * 170 - 85 : random.NextDouble() * 1400 - 700;
            if (i % 4 == 0) logX = (random.NextDouble() - 0.5) * 1e-3; // x near 1, y large
            xs[i] = Math.Exp(logX) * (i % 5 == 0 ? -1 : 1);
            ys[i] = (random.NextDouble() * 2 - 1) * largest / Math.Max(Math.Abs(logX), 1e-9);
            if (i % 5 == 0) ys[i] = Math.Round(ys[i]); // negative bases need integer exponents
        }
        if (type == "float") CheckPowSamples(xs.Select(v => (float)v).ToArray(), ys.Select(v => (float)v).ToArray(), 23, -149, 1);
        else CheckPowSamples(xs, ys, 52, -1074, 2);
    }

    private void CheckPowSamples<T>(T[] xs, T[] ys, int mantissaBits, int lowestExponent, double budget) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var results = AtEveryWidth.Apply(xs, ys, 1, new AtEveryWidth.Pow());
        foreach (int width in AtEveryWidth.Widths[..^1])
            AssertSameBits(results, AtEveryWidth.Apply(xs, ys, width, new AtEveryWidth.Pow()), $"pow at width {width}");
        double worst = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            var exact = BigRealFunctions.PowOfMagnitude(BigReal.Of(double.CreateTruncating(xs[i])), BigReal.Of(double.CreateTruncating(ys[i])));
            if (T.IsNegative(xs[i]) && T.IsOddInteger(ys[i])) exact = -exact;
            double ulps = RoundedIsInfinite<T>(exact) ? (T.IsInfinity(results[i]) ? 0 : double.PositiveInfinity)
                : exact.UlpsFrom(double.CreateTruncating(results[i]), mantissaBits, lowestExponent);
            Assert.True(ulps <= budget, $"pow({xs[i]:R}, {ys[i]:R}) = {results[i]:R}: {ulps:F3} ulps from exact");
            worst = Math.Max(worst, ulps);
        }
        output.WriteLine($"pow<{typeof(T).Name}>: worst {worst:F3} ulps over {xs.Length} samples");
    }

    /// <summary>
    /// The bits of every function on a fixed set of inputs, hashed and pinned: the suite runs under each SIMD setting
    /// (DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0, DOTNET_EnableHWIntrinsic=0), so this checks that the results are the
    /// same bits on every path, not only at every width within one run. A change of numerics changes the hash: a
    /// deliberate act, explained in its commit.
    /// </summary>
    [Fact]
    public void Results_hash_to_the_same_value_on_every_SIMD_path()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var row in ElementaryCase.All)
        {
            foreach (int width in AtEveryWidth.Widths)
            {
                if (!row.DoubleOnly)
                    hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes<float>(
                        AtEveryWidth.Apply(row.Function, WithSpecialValues(Inputs<float>(row.SingleInputs)), width)));
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes<double>(
                    AtEveryWidth.Apply(row.Function, WithSpecialValues(Inputs<double>(row.DoubleInputs)), width)));
            }
        }
        var bases = PowBases.Select(b => (float)b).ToArray();
        foreach (double y in PowExponents)
        {
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes<float>(
                AtEveryWidth.Apply(bases, Enumerable.Repeat((float)y, bases.Length).ToArray(), 512, new AtEveryWidth.Pow())));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes<double>(
                AtEveryWidth.Apply(PowBases, Enumerable.Repeat(y, PowBases.Length).ToArray(), 128, new AtEveryWidth.Pow())));
        }
        string digest = Convert.ToHexString(hash.GetHashAndReset())[..16];
        output.WriteLine($"hash {digest}");
        Assert.True(SamplesPerRange != 150 || digest == PinnedHash, $"the elementary functions' results hash to {digest}, pinned {PinnedHash}");
    }

    private const string PinnedHash = "44DAA0B8CEA48073";

    private void CheckAccuracy<T>(ElementaryCase row, InputRange[] ranges, double budget) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xs = Inputs<T>(ranges);
        var ys = AtEveryWidth.Apply(row.Function, xs, 1);
        int mantissaBits = typeof(T) == typeof(float) ? 23 : 52, lowestExponent = typeof(T) == typeof(float) ? -149 : -1074;
        double worst = 0;
        T worstAt = T.Zero;
        for (int i = 0; i < xs.Length; i++)
        {
            var exact = row.Reference(BigReal.Of(double.CreateTruncating(xs[i])));
            double ulps = RoundedIsInfinite<T>(exact) ? (T.IsInfinity(ys[i]) && T.Sign(ys[i]) == exact.Sign ? 0 : double.PositiveInfinity)
                : exact.UlpsFrom(double.CreateTruncating(ys[i]), mantissaBits, lowestExponent);
            Assert.True(ulps <= budget, $"{row.Name}<{typeof(T).Name}>({xs[i]:R}) = {ys[i]:R}: {ulps:F3} ulps from exact (budget {budget})");
            if (ulps > worst) (worst, worstAt) = (ulps, xs[i]);
        }
        output.WriteLine($"{row.Name}<{typeof(T).Name}>: worst {worst:F3} ulps at {worstAt:R}, over {xs.Length} inputs");
        Assert.True(worst > 0.2, "no input met a rounding error: are the inputs reaching the function?");
    }

    private static bool RoundedIsInfinite<T>(BigReal exact) =>
        typeof(T) == typeof(float) ? float.IsInfinity(exact.ToSingle()) : double.IsInfinity(exact.ToDouble());

    private static void CheckSameBits<T>(IElementaryFunction function, T[] xs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scalar = AtEveryWidth.Apply(function, xs, 1);
        foreach (int width in AtEveryWidth.Widths[..^1])
            AssertSameBits(scalar, AtEveryWidth.Apply(function, xs, width), $"width {width}");
    }

    /// <summary>Evenly spaced and seeded random samples of each range, as T.</summary>
    private static T[] Inputs<T>(InputRange[] ranges) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(10);
        var xs = new List<T>();
        foreach (var range in ranges)
        {
            for (int i = 0; i < 2 * SamplesPerRange; i++)
            {
                double t = i < SamplesPerRange ? (double)i / (SamplesPerRange - 1) : random.NextDouble();
                double x = range.Logarithmic
                    ? Math.Sign(range.Low) * Math.Exp(Math.Log(Math.Abs(range.Low)) + t * (Math.Log(Math.Abs(range.High)) - Math.Log(Math.Abs(range.Low))))
                    : range.Low + t * (range.High - range.Low);
                xs.Add(T.CreateTruncating(x));
            }
        }
        return [.. xs];
    }

    private static T[] WithSpecialValues<T>(T[] xs) where T : unmanaged, IFloatingPointIeee754<T> =>
    [
        .. xs, T.Zero, T.NegativeZero, T.One, T.NegativeOne, T.PositiveInfinity, T.NegativeInfinity, T.NaN, T.Epsilon, -T.Epsilon,
        Largest<T>(), -Largest<T>(), T.CreateTruncating(1e-30), T.CreateTruncating(-1e-30), T.CreateTruncating(700), T.CreateTruncating(-700),
    ];

    private static T Largest<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(float.MaxValue) : T.CreateTruncating(double.MaxValue);

    private static void AssertSameBits<T>(T expected, T actual, string what) where T : unmanaged, IFloatingPointIeee754<T> =>
        Assert.True(Bits(expected) == Bits(actual), $"{what} = {actual:R}, expected {expected:R} (bits {Bits(actual):X} vs {Bits(expected):X})");

    private static void AssertSameBits<T>(T[] expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < expected.Length; i++)
            if (Bits(expected[i]) != Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} (bits {Bits(actual[i]):X}), the scalar path gives {expected[i]:R} (bits {Bits(expected[i]):X})");
    }

    private static long Bits<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? BitConverter.SingleToInt32Bits(float.CreateTruncating(value)) : BitConverter.DoubleToInt64Bits(double.CreateTruncating(value));
}
