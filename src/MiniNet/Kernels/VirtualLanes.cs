using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// The fixed shape of every sum MiniNet takes over a span: <see cref="Bytes"/> bytes of <em>virtual lanes</em> (16 for
/// float, 8 for double). Element i always goes to lane i mod <see cref="Count{T}"/>, each lane adds its elements in
/// order, and the lanes are combined by folding halves (lane j takes lane j + 8, then j + 4, …). A 512-bit register
/// holds the lanes in one, a 256-bit CPU in two registers, a 128-bit one in four and scalar code in an array — the
/// same additions in the same order, so a sum has the same bits on every CPU.
/// </summary>
internal static class VirtualLanes
{
    public const int Bytes = 64;

    /// <summary>The number of virtual lanes for elements of type <typeparamref name="T"/>.</summary>
    public static int Count<T>() where T : unmanaged => Bytes / Unsafe.SizeOf<T>();
}

/// <summary>
/// Virtual lanes of doubles that sums of T are kept in (float lanes are widened first, so float32 sums neither lose
/// digits over millions of terms nor overflow near float.MaxValue). A chunk of <see cref="VirtualLanes.Count{T}"/>
/// elements arrives as one vector per group: group g holds the lanes g·W … g·W + W − 1 for a vector of W elements.
/// </summary>
internal interface IWideSum<T, TV> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Adds a vector of elements to the lanes of group <paramref name="group"/>.</summary>
    void Add(int group, TV values);

    /// <summary>The lanes folded by halves into one total.</summary>
    double Total();
}

/// <summary>The virtual lanes in 512-bit registers: one group.</summary>
internal struct WideSum512<T> : IWideSum<T, Vector512<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Vector512<double> _low, _high; // lanes 0–7 and, for float, 8–15

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int group, Vector512<T> values)
    {
        if (typeof(T) == typeof(double))
        {
            _low += values.AsDouble();
            return;
        }
        var (low, high) = Vector512.Widen(values.AsSingle());
        _low += low;
        _high += high;
    }

    public readonly double Total() => Lanes512<double>.FoldSum(typeof(T) == typeof(double) ? _low : _low + _high);
}

/// <summary>The virtual lanes in 256-bit registers: two groups.</summary>
internal struct WideSum256<T> : IWideSum<T, Vector256<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Vector256<double> _lanes0, _lanes4, _lanes8, _lanes12; // double lanes 0–3, 4–7; for float also 8–11, 12–15

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int group, Vector256<T> values)
    {
        if (typeof(T) == typeof(double))
        {
            if (group == 0) _lanes0 += values.AsDouble();
            else _lanes4 += values.AsDouble();
            return;
        }
        var (low, high) = Vector256.Widen(values.AsSingle());
        if (group == 0)
        {
            _lanes0 += low;
            _lanes4 += high;
        }
        else
        {
            _lanes8 += low;
            _lanes12 += high;
        }
    }

    public readonly double Total()
    {
        var half = typeof(T) == typeof(double) ? _lanes0 + _lanes4 : (_lanes0 + _lanes8) + (_lanes4 + _lanes12);
        return Lanes256<double>.FoldSum(half);
    }
}

/// <summary>The virtual lanes in 128-bit registers: four groups.</summary>
internal struct WideSum128<T> : IWideSum<T, Vector128<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Pairs of double lanes: for double, group g is lanes 2g, 2g + 1 in _p[g]; for float, group g is lanes 4g … 4g + 3 in _p[2g], _p[2g + 1].
    private Vector128<double> _p0, _p1, _p2, _p3, _p4, _p5, _p6, _p7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int group, Vector128<T> values)
    {
        if (typeof(T) == typeof(double))
        {
            switch (group)
            {
                case 0: _p0 += values.AsDouble(); break;
                case 1: _p1 += values.AsDouble(); break;
                case 2: _p2 += values.AsDouble(); break;
                default: _p3 += values.AsDouble(); break;
            }
            return;
        }
        var (low, high) = Vector128.Widen(values.AsSingle());
        switch (group)
        {
            case 0: _p0 += low; _p1 += high; break;
            case 1: _p2 += low; _p3 += high; break;
            case 2: _p4 += low; _p5 += high; break;
            default: _p6 += low; _p7 += high; break;
        }
    }

    public readonly double Total()
    {
        Vector128<double> pair;
        if (typeof(T) == typeof(double)) pair = (_p0 + _p2) + (_p1 + _p3);                       // lane j + 4, then j + 2
        else pair = ((_p0 + _p4) + (_p2 + _p6)) + ((_p1 + _p5) + (_p3 + _p7));                   // j + 8, j + 4, then j + 2
        return Lanes128<double>.FoldSum(pair);
    }
}

/// <summary>The virtual lanes in an array, for scalar code: one group per lane.</summary>
internal struct WideSum1<T> : IWideSum<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private DoubleLanes _lanes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int group, T value) => _lanes[group] += double.CreateTruncating(value);

    public double Total()
    {
        for (int half = VirtualLanes.Count<T>() / 2; half >= 1; half /= 2)
            for (int j = 0; j < half; j++) _lanes[j] += _lanes[j + half];
        return _lanes[0];
    }

    [InlineArray(16)]
    private struct DoubleLanes
    {
        private double _first;
    }
}
