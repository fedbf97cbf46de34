using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// Float vector e^x and log1p, accurate to within 1 ulp over the whole float range (tested), subnormal results included.
/// </summary>
/// <remarks>
/// exp: x = k·ln 2 + r with |r| ≤ ln 2 / 2 (k rounded by adding 1.5·2^23; Cody–Waite: ln 2 split in two, so
/// r is exact), e^r by Cephes' expf polynomial (relative error 4e-9 on that interval), then 2^k applied as two halves so that k down to
/// −150 (subnormal results) and up to 128 (overflow to ∞) need no special case. NaN propagates.
/// log1p(e) = 2·atanh(s) with s = e / (2 + e) ≤ 1/3: an odd series in s with no cancellation, exact for tiny e.
/// </remarks>
internal static class FloatExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;         // 9 significant bits: k·Ln2High is exact for |k| ≤ 2^15
    private const float Ln2Low = -2.12194440e-4f;       // ln 2 − Ln2High
    private const float Lowest = -104f;                 // e^−104 is below half the smallest subnormal: 0
    private const float Highest = 89f;                  // e^89 is above float.MaxValue: ∞
    // Adding 1.5·2^23 rounds x·log2(e) to an integer k held in the low mantissa bits: k = bits − ShifterBits.
    private const float Shifter = 12582912f;
    private const int ShifterBits = 0x4B400000;
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
        P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    // 2·atanh(s) = 2s·(1 + s²/3 + s⁴/5 + … + s¹⁴/15): with s² ≤ 1/9 the next term is below 2e-9 relative.
    private const float A1 = 1f / 3, A2 = 1f / 5, A3 = 1f / 7, A4 = 1f / 9, A5 = 1f / 11, A6 = 1f / 13, A7 = 1f / 15;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(Lowest)), Vector512.Create(Highest));
        var shifted = Vector512.MultiplyAddEstimate(x, Vector512.Create(Log2E), Vector512.Create(Shifter));
        var k = shifted - Vector512.Create(Shifter);
        var r = Vector512.MultiplyAddEstimate(k, Vector512.Create(-Ln2Low), Vector512.MultiplyAddEstimate(k, Vector512.Create(-Ln2High), x));
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(P2));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(P3));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(P4));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(P5));
        p = Vector512.MultiplyAddEstimate(p, r * r, r) + Vector512<float>.One;
        var n = shifted.AsInt32() - Vector512.Create(ShifterBits);
        var half = n >> 1;
        var scaleA = ((half + Vector512.Create(127)) << 23).AsSingle();
        var scaleB = ((n - half + Vector512.Create(127)) << 23).AsSingle();
        return p * scaleA * scaleB;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(Lowest)), Vector256.Create(Highest));
        var shifted = Vector256.MultiplyAddEstimate(x, Vector256.Create(Log2E), Vector256.Create(Shifter));
        var k = shifted - Vector256.Create(Shifter);
        var r = Vector256.MultiplyAddEstimate(k, Vector256.Create(-Ln2Low), Vector256.MultiplyAddEstimate(k, Vector256.Create(-Ln2High), x));
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(P2));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(P3));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(P4));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(P5));
        p = Vector256.MultiplyAddEstimate(p, r * r, r) + Vector256<float>.One;
        var n = shifted.AsInt32() - Vector256.Create(ShifterBits);
        var half = n >> 1;
        var scaleA = ((half + Vector256.Create(127)) << 23).AsSingle();
        var scaleB = ((n - half + Vector256.Create(127)) << 23).AsSingle();
        return p * scaleA * scaleB;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(Lowest)), Vector128.Create(Highest));
        var shifted = Vector128.MultiplyAddEstimate(x, Vector128.Create(Log2E), Vector128.Create(Shifter));
        var k = shifted - Vector128.Create(Shifter);
        var r = Vector128.MultiplyAddEstimate(k, Vector128.Create(-Ln2Low), Vector128.MultiplyAddEstimate(k, Vector128.Create(-Ln2High), x));
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(P0), r, Vector128.Create(P1));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(P2));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(P3));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(P4));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(P5));
        p = Vector128.MultiplyAddEstimate(p, r * r, r) + Vector128<float>.One;
        var n = shifted.AsInt32() - Vector128.Create(ShifterBits);
        var half = n >> 1;
        var scaleA = ((half + Vector128.Create(127)) << 23).AsSingle();
        var scaleB = ((n - half + Vector128.Create(127)) << 23).AsSingle();
        return p * scaleA * scaleB;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log1pUnit(Vector512<float> e)
    {
        var s = e / (Vector512.Create(2f) + e);
        var s2 = s * s;
        var q = Vector512.MultiplyAddEstimate(Vector512.Create(A7), s2, Vector512.Create(A6));
        q = Vector512.MultiplyAddEstimate(q, s2, Vector512.Create(A5));
        q = Vector512.MultiplyAddEstimate(q, s2, Vector512.Create(A4));
        q = Vector512.MultiplyAddEstimate(q, s2, Vector512.Create(A3));
        q = Vector512.MultiplyAddEstimate(q, s2, Vector512.Create(A2));
        q = Vector512.MultiplyAddEstimate(q, s2, Vector512.Create(A1));
        var twoS = s + s;
        return Vector512.MultiplyAddEstimate(twoS * s2, q, twoS);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1pUnit(Vector256<float> e)
    {
        var s = e / (Vector256.Create(2f) + e);
        var s2 = s * s;
        var q = Vector256.MultiplyAddEstimate(Vector256.Create(A7), s2, Vector256.Create(A6));
        q = Vector256.MultiplyAddEstimate(q, s2, Vector256.Create(A5));
        q = Vector256.MultiplyAddEstimate(q, s2, Vector256.Create(A4));
        q = Vector256.MultiplyAddEstimate(q, s2, Vector256.Create(A3));
        q = Vector256.MultiplyAddEstimate(q, s2, Vector256.Create(A2));
        q = Vector256.MultiplyAddEstimate(q, s2, Vector256.Create(A1));
        var twoS = s + s;
        return Vector256.MultiplyAddEstimate(twoS * s2, q, twoS);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Log1pUnit(Vector128<float> e)
    {
        var s = e / (Vector128.Create(2f) + e);
        var s2 = s * s;
        var q = Vector128.MultiplyAddEstimate(Vector128.Create(A7), s2, Vector128.Create(A6));
        q = Vector128.MultiplyAddEstimate(q, s2, Vector128.Create(A5));
        q = Vector128.MultiplyAddEstimate(q, s2, Vector128.Create(A4));
        q = Vector128.MultiplyAddEstimate(q, s2, Vector128.Create(A3));
        q = Vector128.MultiplyAddEstimate(q, s2, Vector128.Create(A2));
        q = Vector128.MultiplyAddEstimate(q, s2, Vector128.Create(A1));
        var twoS = s + s;
        return Vector128.MultiplyAddEstimate(twoS * s2, q, twoS);
    }
}
