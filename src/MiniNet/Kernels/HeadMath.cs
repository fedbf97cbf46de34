using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

/// <summary>
/// log1p(e) for e in [0, 1], the sigmoid head's softplus term (e = e^−|z|). On that interval float needs no general
/// log1p: 2·atanh(s) with s = e / (2 + e) ≤ 1/3 is an odd series in s with no cancellation, exact for tiny e, within
/// 1 ulp, and about four times faster than <see cref="ElementaryFunctions.Log1p{T, TVector, TLanes}"/>. Doubles take the general one.
/// </summary>
internal static class HeadMath
{
    // 2·atanh(s) = 2s·(1 + s²/3 + s⁴/5 + … + s¹⁴/15): with s² ≤ 1/9 the next term is below 2e-9 relative.
    private const float A1 = 1f / 3, A2 = 1f / 5, A3 = 1f / 7, A4 = 1f / 9, A5 = 1f / 11, A6 = 1f / 13, A7 = 1f / 15;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log1pUnit<T, TV, L>(TV e) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        if (typeof(T) != typeof(float)) return ElementaryFunctions.Log1p<T, TV, L>(e);
        var s = L.Divide(e, L.Add(L.Broadcast(T.CreateTruncating(2)), e));
        var s2 = L.Multiply(s, s);
        var q = L.FusedMultiplyAdd(L.Broadcast(T.CreateTruncating(A7)), s2, L.Broadcast(T.CreateTruncating(A6)));
        q = L.FusedMultiplyAdd(q, s2, L.Broadcast(T.CreateTruncating(A5)));
        q = L.FusedMultiplyAdd(q, s2, L.Broadcast(T.CreateTruncating(A4)));
        q = L.FusedMultiplyAdd(q, s2, L.Broadcast(T.CreateTruncating(A3)));
        q = L.FusedMultiplyAdd(q, s2, L.Broadcast(T.CreateTruncating(A2)));
        q = L.FusedMultiplyAdd(q, s2, L.Broadcast(T.CreateTruncating(A1)));
        var twoS = L.Add(s, s);
        return L.FusedMultiplyAdd(L.Multiply(twoS, s2), q, twoS);
    }
}
