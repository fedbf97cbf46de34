using System.Runtime.Intrinsics;
using MiniNet.Kernels;

namespace MiniNet.Tests.Heads;

/// <summary>The heads' float vector e^x and log1p against double-precision references, in units in the last place.</summary>
public class HeadMathTests
{
    public static TheoryData<int> Widths() => [128, 256, 512];

    [Theory]
    [MemberData(nameof(Widths))]
    public void Float_exp_is_within_one_ulp_everywhere_subnormal_results_included(int width)
    {
        // Every 1/4096 from −104 (below the smallest subnormal) to 89 (past float.MaxValue), plus the edges.
        var xs = Enumerable.Range(0, 193 * 4096 + 1).Select(i => -104f + i / 4096f)
            .Concat([0f, -0f, 88.72283f, 88.7229f, -87.33654f, -103.27893f, -103.97208f, 1e-30f, -1e-30f]).ToArray();
        var ys = Apply(xs, width, Exp, Exp, Exp);
        int worst = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            float exact = (float)Math.Exp(xs[i]);
            worst = Math.Max(worst, UlpDistance(exact, ys[i]));
            Assert.True(UlpDistance(exact, ys[i]) <= 1, $"exp({xs[i]:R}) = {ys[i]:R}, expected {exact:R}");
        }
        Assert.True(worst >= 1, "the sweep should meet at least one rounding difference; is the kernel being tested?");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Float_exp_is_exactly_1_at_0_and_never_above_1_below_0(int width)
    {
        // A softmax probability e^(x − max − log Σ) must never exceed 1.
        var xs = Enumerable.Range(0, 1 << 16).Select(i => -i / 65536f).Concat([-0f, -1e-30f, -float.Epsilon, -1e-7f, -6e-8f]).ToArray();
        var ys = Apply(xs, width, Exp, Exp, Exp);
        Assert.Equal(1f, ys[0]);
        Assert.All(ys, y => Assert.True(y <= 1f, $"e^x = {y:R} > 1 for some x ≤ 0"));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Float_exp_underflows_to_zero_overflows_to_infinity_and_keeps_NaN(int width)
    {
        var ys = Apply([-1000f, float.NegativeInfinity, -float.MaxValue, 1000f, float.PositiveInfinity, float.MaxValue, float.NaN, 88.8f], width, Exp, Exp, Exp);
        Assert.Equal([0f, 0f, 0f, float.PositiveInfinity, float.PositiveInfinity, float.PositiveInfinity], ys[..6]);
        Assert.True(float.IsNaN(ys[6]));
        Assert.Equal(float.PositiveInfinity, ys[7]); // e^88.8 > float.MaxValue
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Float_log1p_is_within_one_ulp_on_0_to_1_and_exact_for_tiny_arguments(int width)
    {
        var es = Enumerable.Range(0, 1 << 16).Select(i => i / 65536f)
            .Concat(Enumerable.Range(1, 120).Select(i => MathF.Pow(2, -i))).Concat([1f, float.Epsilon, 1e-40f]).ToArray();
        var ys = Apply(es, width, Log1p, Log1p, Log1p);
        for (int i = 0; i < es.Length; i++)
        {
            double e = es[i], u = 1 + e;
            float exact = (float)(u == 1 ? e : Math.Log(u) * e / (u - 1)); // log1p in double, to a few double ulps
            Assert.True(UlpDistance(exact, ys[i]) <= 1, $"log1p({es[i]:R}) = {ys[i]:R}, expected {exact:R}");
        }
    }

    private static Vector128<float> Exp(Vector128<float> x) => FloatExp.Exp(x);
    private static Vector256<float> Exp(Vector256<float> x) => FloatExp.Exp(x);
    private static Vector512<float> Exp(Vector512<float> x) => FloatExp.Exp(x);
    private static Vector128<float> Log1p(Vector128<float> x) => FloatExp.Log1pUnit(x);
    private static Vector256<float> Log1p(Vector256<float> x) => FloatExp.Log1pUnit(x);
    private static Vector512<float> Log1p(Vector512<float> x) => FloatExp.Log1pUnit(x);

    private static float[] Apply(float[] xs, int width,
        Func<Vector128<float>, Vector128<float>> f128, Func<Vector256<float>, Vector256<float>> f256, Func<Vector512<float>, Vector512<float>> f512)
    {
        int lanes = width / 32;
        var padded = new float[(xs.Length + lanes - 1) / lanes * lanes];
        xs.CopyTo(padded, 0);
        var ys = new float[padded.Length];
        for (int i = 0; i < padded.Length; i += lanes)
        {
            var span = padded.AsSpan(i, lanes);
            switch (width)
            {
                case 128: f128(Vector128.Create<float>(span)).CopyTo(ys.AsSpan(i)); break;
                case 256: f256(Vector256.Create<float>(span)).CopyTo(ys.AsSpan(i)); break;
                default: f512(Vector512.Create<float>(span)).CopyTo(ys.AsSpan(i)); break;
            }
        }
        return ys[..xs.Length];
    }

    private static int UlpDistance(float a, float b)
    {
        if (a == b) return 0;
        if (float.IsNaN(a) || float.IsNaN(b) || float.IsInfinity(a) || float.IsInfinity(b)) return int.MaxValue;
        int ia = BitConverter.SingleToInt32Bits(a), ib = BitConverter.SingleToInt32Bits(b);
        if ((ia < 0) != (ib < 0)) return Math.Abs(ia & int.MaxValue) + Math.Abs(ib & int.MaxValue);
        return Math.Abs(ia - ib);
    }
}
