using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// One SIMD width as a kernel sees it, so that every kernel is written once: the JIT specialises a kernel for each
/// (element type, width) pair — <see cref="Lanes512{T}"/>, <see cref="Lanes256{T}"/>, <see cref="Lanes128{T}"/> and
/// the scalar <see cref="Lanes1{T}"/> — and inlines these members into it.
/// </summary>
/// <remarks>
/// <para><b>The same bits at every width.</b> Every member is the same IEEE 754 operation on every lane at every width,
/// so a kernel body gives bit-identical results whether it runs on AVX-512, AVX2, SSE, AdvSimd or scalar code:
/// +, −, ×, ÷ and √ are correctly rounded; <see cref="FusedMultiplyAdd"/> is rounded once on every path (.NET falls
/// back to a correct software FMA where the CPU has none); <see cref="Min"/> and <see cref="Max"/> are IEEE 754-2019's
/// minimum and maximum (a NaN wins, −0 &lt; +0), as <see cref="Math.Max(double, double)"/> is. Nothing here estimates.</para>
/// <para><b>Masks.</b> A comparison gives a mask: all bits set where true, zero where false, as the vector
/// comparisons do; the scalar width uses the same bit patterns.</para>
/// <para><b>Integers.</b> The <c>…Integers</c> members see each lane's bits as a signed integer of the same size (int
/// for float, long for double): what exp and log need to build and take apart powers of two.</para>
/// </remarks>
internal interface ILanes<T, TVector> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of elements in one vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector One { get; }

    /// <summary>0, 1, 2, … in lane order: a lane's own index, for masks of the first lanes.</summary>
    static abstract TVector Indices { get; }

    static abstract TVector Load(ref T source);

    static abstract void Store(TVector value, ref T destination);

    static abstract TVector Broadcast(T value);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    static abstract TVector Negate(TVector x);

    /// <summary>a·b + addend rounded once, on every path.</summary>
    static abstract TVector FusedMultiplyAdd(TVector a, TVector b, TVector addend);

    static abstract TVector Sqrt(TVector x);

    static abstract TVector Abs(TVector x);

    /// <summary>IEEE 754-2019 minimum: NaN if either is NaN, and −0 below +0.</summary>
    static abstract TVector Min(TVector a, TVector b);

    /// <summary>IEEE 754-2019 maximum: NaN if either is NaN, and +0 above −0.</summary>
    static abstract TVector Max(TVector a, TVector b);

    /// <summary>Rounds to the nearest integer, ties to even.</summary>
    static abstract TVector Round(TVector x);

    static abstract TVector Equals(TVector a, TVector b);

    static abstract TVector LessThan(TVector a, TVector b);

    static abstract TVector LessThanOrEqual(TVector a, TVector b);

    static abstract TVector GreaterThan(TVector a, TVector b);

    static abstract TVector GreaterThanOrEqual(TVector a, TVector b);

    /// <summary>Where the mask's bits are set, <paramref name="whenTrue"/>'s; elsewhere <paramref name="whenFalse"/>'s.</summary>
    static abstract TVector ConditionalSelect(TVector mask, TVector whenTrue, TVector whenFalse);

    static abstract TVector BitwiseAnd(TVector a, TVector b);

    static abstract TVector BitwiseOr(TVector a, TVector b);

    /// <summary>The lanes' bits as integers, added (wrapping).</summary>
    static abstract TVector AddIntegers(TVector a, TVector b);

    /// <summary>The lanes' bits as integers, subtracted (wrapping).</summary>
    static abstract TVector SubtractIntegers(TVector a, TVector b);

    static abstract TVector ShiftLeftIntegers(TVector x, int count);

    /// <summary>Shifts the lanes' bits right, copying the sign bit in.</summary>
    static abstract TVector ShiftRightArithmeticIntegers(TVector x, int count);

    /// <summary>Every lane holding the bits of <paramref name="bits"/> (an int for float, a long for double).</summary>
    static abstract TVector BroadcastBits(long bits);

    /// <summary>
    /// The <paramref name="count"/> (0 &lt; count ≤ <see cref="Count"/>) elements from <paramref name="source"/> in the
    /// first lanes and 0 in the rest, reading nothing past them.
    /// </summary>
    static abstract TVector LoadFirst(ref T source, int count);

    /// <summary>The first <paramref name="count"/> (0 &lt; count ≤ <see cref="Count"/>) lanes of <paramref name="value"/> stored from <paramref name="destination"/>, nothing past them.</summary>
    static abstract void StoreFirst(TVector value, ref T destination, int count);

    /// <summary>
    /// The sum of the lanes by folding halves: lane i takes lane i + Count/2, then i + Count/4, … down to one. A vector
    /// of a wider width folds exactly as two of the narrower one added lane by lane and then folded, so a sum over a
    /// fixed number of virtual lanes comes out the same at every width.
    /// </summary>
    static abstract T FoldSum(TVector value);

    /// <summary>The largest lane (NaN if any lane is NaN); the maximum does not depend on the order it is taken in.</summary>
    static abstract T FoldMax(TVector value);

    /// <summary>destination[0 .. Count) = value, widened to double (the running totals of a long sum, as <see cref="GemmDepth"/> keeps them).</summary>
    static abstract void StoreWide(TVector value, ref double destination);

    /// <summary>destination[0 .. Count) += value, widened to double.</summary>
    static abstract void AddWide(TVector value, ref double destination);

    /// <summary>total[0 .. Count) + value, added in double and rounded to T.</summary>
    static abstract TVector AddWideAndRound(ref double total, TVector value);
}

/// <summary>Element-type facts the lanes need: which integer holds a lane's bits.</summary>
internal static class LaneBits
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromBits<T>(long bits) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Unsafe.BitCast<int, T>((int)bits) : Unsafe.BitCast<long, T>(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ToBits<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Unsafe.BitCast<T, int>(value) : Unsafe.BitCast<T, long>(value);

    /// <summary>All bits set: the true of a mask.</summary>
    public static T AllBitsSet<T>() where T : unmanaged, IFloatingPointIeee754<T> => FromBits<T>(-1);

    /// <summary>The first <paramref name="count"/> lanes of <paramref name="value"/> copied to <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst<T, TVector>(TVector value, ref T destination, int count) where T : unmanaged where TVector : unmanaged
    {
        ref T lanes = ref Unsafe.As<TVector, T>(ref value);
        for (int k = 0; k < count; k++) Unsafe.Add(ref destination, k) = Unsafe.Add(ref lanes, k);
    }

    /// <summary>The first <paramref name="count"/> elements from <paramref name="source"/> copied into a zeroed vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector CopyFirst<T, TVector>(ref T source, int count) where T : unmanaged where TVector : unmanaged
    {
        TVector vector = default;
        ref T lanes = ref Unsafe.As<TVector, T>(ref vector);
        for (int k = 0; k < count; k++) Unsafe.Add(ref lanes, k) = Unsafe.Add(ref source, k);
        return vector;
    }
}

internal readonly struct Lanes512<T> : ILanes<T, Vector512<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;
    public static Vector512<T> Zero => Vector512<T>.Zero;
    public static Vector512<T> One => Vector512<T>.One;
    public static Vector512<T> Indices => Vector512<T>.Indices;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Load(ref T source) => Vector512.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<T> value, ref T destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Broadcast(T value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Subtract(Vector512<T> a, Vector512<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Divide(Vector512<T> a, Vector512<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Negate(Vector512<T> x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FusedMultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> addend) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Sqrt(Vector512<T> x) => Vector512.Sqrt(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Abs(Vector512<T> x) => Vector512.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Min(Vector512<T> a, Vector512<T> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Max(Vector512<T> a, Vector512<T> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Round(Vector512<T> x) =>
        typeof(T) == typeof(float) ? Vector512.Round(x.AsSingle()).As<float, T>() : Vector512.Round(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Equals(Vector512<T> a, Vector512<T> b) => Vector512.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> LessThan(Vector512<T> a, Vector512<T> b) => Vector512.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> LessThanOrEqual(Vector512<T> a, Vector512<T> b) => Vector512.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> GreaterThan(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> GreaterThanOrEqual(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> ConditionalSelect(Vector512<T> mask, Vector512<T> whenTrue, Vector512<T> whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> BitwiseAnd(Vector512<T> a, Vector512<T> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> BitwiseOr(Vector512<T> a, Vector512<T> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AddIntegers(Vector512<T> a, Vector512<T> b) =>
        typeof(T) == typeof(float) ? (a.AsInt32() + b.AsInt32()).As<int, T>() : (a.AsInt64() + b.AsInt64()).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> SubtractIntegers(Vector512<T> a, Vector512<T> b) =>
        typeof(T) == typeof(float) ? (a.AsInt32() - b.AsInt32()).As<int, T>() : (a.AsInt64() - b.AsInt64()).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ShiftLeftIntegers(Vector512<T> x, int count) =>
        typeof(T) == typeof(float) ? (x.AsInt32() << count).As<int, T>() : (x.AsInt64() << count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ShiftRightArithmeticIntegers(Vector512<T> x, int count) =>
        typeof(T) == typeof(float) ? (x.AsInt32() >> count).As<int, T>() : (x.AsInt64() >> count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> BroadcastBits(long bits) =>
        typeof(T) == typeof(float) ? Vector512.Create((int)bits).As<int, T>() : Vector512.Create(bits).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadFirst(ref T source, int count) => LaneBits.CopyFirst<T, Vector512<T>>(ref source, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(Vector512<T> value, ref T destination, int count) => LaneBits.StoreFirst(value, ref destination, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T FoldSum(Vector512<T> value) => Lanes256<T>.FoldSum(value.GetLower() + value.GetUpper());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T FoldMax(Vector512<T> value) => Lanes256<T>.FoldMax(Vector256.Max(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWide(Vector512<T> value, ref double destination)
    {
        if (typeof(T) == typeof(float))
        {
            var (lower, upper) = Vector512.Widen(value.AsSingle());
            lower.StoreUnsafe(ref destination);
            upper.StoreUnsafe(ref destination, (nuint)Vector512<double>.Count);
        }
        else value.AsDouble().StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWide(Vector512<T> value, ref double destination)
    {
        if (typeof(T) == typeof(float))
        {
            var (lower, upper) = Vector512.Widen(value.AsSingle());
            (Vector512.LoadUnsafe(ref destination) + lower).StoreUnsafe(ref destination);
            (Vector512.LoadUnsafe(ref destination, (nuint)Vector512<double>.Count) + upper).StoreUnsafe(ref destination, (nuint)Vector512<double>.Count);
        }
        else (Vector512.LoadUnsafe(ref destination) + value.AsDouble()).StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AddWideAndRound(ref double total, Vector512<T> value)
    {
        if (typeof(T) != typeof(float)) return (Vector512.LoadUnsafe(ref total) + value.AsDouble()).As<double, T>();
        var (lower, upper) = Vector512.Widen(value.AsSingle());
        return Vector512.Narrow(Vector512.LoadUnsafe(ref total) + lower, Vector512.LoadUnsafe(ref total, (nuint)Vector512<double>.Count) + upper).As<float, T>();
    }
}

internal readonly struct Lanes256<T> : ILanes<T, Vector256<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;
    public static Vector256<T> Zero => Vector256<T>.Zero;
    public static Vector256<T> One => Vector256<T>.One;
    public static Vector256<T> Indices => Vector256<T>.Indices;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Load(ref T source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<T> value, ref T destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Broadcast(T value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Subtract(Vector256<T> a, Vector256<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Divide(Vector256<T> a, Vector256<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Negate(Vector256<T> x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FusedMultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> addend) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Sqrt(Vector256<T> x) => Vector256.Sqrt(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Abs(Vector256<T> x) => Vector256.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Min(Vector256<T> a, Vector256<T> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Max(Vector256<T> a, Vector256<T> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Round(Vector256<T> x) =>
        typeof(T) == typeof(float) ? Vector256.Round(x.AsSingle()).As<float, T>() : Vector256.Round(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Equals(Vector256<T> a, Vector256<T> b) => Vector256.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> LessThan(Vector256<T> a, Vector256<T> b) => Vector256.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> LessThanOrEqual(Vector256<T> a, Vector256<T> b) => Vector256.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> GreaterThan(Vector256<T> a, Vector256<T> b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> GreaterThanOrEqual(Vector256<T> a, Vector256<T> b) => Vector256.GreaterThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> ConditionalSelect(Vector256<T> mask, Vector256<T> whenTrue, Vector256<T> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> BitwiseAnd(Vector256<T> a, Vector256<T> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> BitwiseOr(Vector256<T> a, Vector256<T> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AddIntegers(Vector256<T> a, Vector256<T> b) =>
        typeof(T) == typeof(float) ? (a.AsInt32() + b.AsInt32()).As<int, T>() : (a.AsInt64() + b.AsInt64()).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> SubtractIntegers(Vector256<T> a, Vector256<T> b) =>
        typeof(T) == typeof(float) ? (a.AsInt32() - b.AsInt32()).As<int, T>() : (a.AsInt64() - b.AsInt64()).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ShiftLeftIntegers(Vector256<T> x, int count) =>
        typeof(T) == typeof(float) ? (x.AsInt32() << count).As<int, T>() : (x.AsInt64() << count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ShiftRightArithmeticIntegers(Vector256<T> x, int count) =>
        typeof(T) == typeof(float) ? (x.AsInt32() >> count).As<int, T>() : (x.AsInt64() >> count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> BroadcastBits(long bits) =>
        typeof(T) == typeof(float) ? Vector256.Create((int)bits).As<int, T>() : Vector256.Create(bits).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LoadFirst(ref T source, int count) => LaneBits.CopyFirst<T, Vector256<T>>(ref source, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(Vector256<T> value, ref T destination, int count) => LaneBits.StoreFirst(value, ref destination, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T FoldSum(Vector256<T> value) => Lanes128<T>.FoldSum(value.GetLower() + value.GetUpper());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T FoldMax(Vector256<T> value) => Lanes128<T>.FoldMax(Vector128.Max(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWide(Vector256<T> value, ref double destination)
    {
        if (typeof(T) == typeof(float))
        {
            var (lower, upper) = Vector256.Widen(value.AsSingle());
            lower.StoreUnsafe(ref destination);
            upper.StoreUnsafe(ref destination, (nuint)Vector256<double>.Count);
        }
        else value.AsDouble().StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWide(Vector256<T> value, ref double destination)
    {
        if (typeof(T) == typeof(float))
        {
            var (lower, upper) = Vector256.Widen(value.AsSingle());
            (Vector256.LoadUnsafe(ref destination) + lower).StoreUnsafe(ref destination);
            (Vector256.LoadUnsafe(ref destination, (nuint)Vector256<double>.Count) + upper).StoreUnsafe(ref destination, (nuint)Vector256<double>.Count);
        }
        else (Vector256.LoadUnsafe(ref destination) + value.AsDouble()).StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AddWideAndRound(ref double total, Vector256<T> value)
    {
        if (typeof(T) != typeof(float)) return (Vector256.LoadUnsafe(ref total) + value.AsDouble()).As<double, T>();
        var (lower, upper) = Vector256.Widen(value.AsSingle());
        return Vector256.Narrow(Vector256.LoadUnsafe(ref total) + lower, Vector256.LoadUnsafe(ref total, (nuint)Vector256<double>.Count) + upper).As<float, T>();
    }
}

internal readonly struct Lanes128<T> : ILanes<T, Vector128<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;
    public static Vector128<T> Zero => Vector128<T>.Zero;
    public static Vector128<T> One => Vector128<T>.One;
    public static Vector128<T> Indices => Vector128<T>.Indices;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Load(ref T source) => Vector128.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<T> value, ref T destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Broadcast(T value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Subtract(Vector128<T> a, Vector128<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Multiply(Vector128<T> a, Vector128<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Divide(Vector128<T> a, Vector128<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Negate(Vector128<T> x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> FusedMultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> addend) =>
        typeof(T) == typeof(float)
            ? Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>()
            : Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Sqrt(Vector128<T> x) => Vector128.Sqrt(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Abs(Vector128<T> x) => Vector128.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Min(Vector128<T> a, Vector128<T> b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Max(Vector128<T> a, Vector128<T> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Round(Vector128<T> x) =>
        typeof(T) == typeof(float) ? Vector128.Round(x.AsSingle()).As<float, T>() : Vector128.Round(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Equals(Vector128<T> a, Vector128<T> b) => Vector128.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> LessThan(Vector128<T> a, Vector128<T> b) => Vector128.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> LessThanOrEqual(Vector128<T> a, Vector128<T> b) => Vector128.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> GreaterThan(Vector128<T> a, Vector128<T> b) => Vector128.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> GreaterThanOrEqual(Vector128<T> a, Vector128<T> b) => Vector128.GreaterThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> ConditionalSelect(Vector128<T> mask, Vector128<T> whenTrue, Vector128<T> whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> BitwiseAnd(Vector128<T> a, Vector128<T> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> BitwiseOr(Vector128<T> a, Vector128<T> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> AddIntegers(Vector128<T> a, Vector128<T> b) =>
        typeof(T) == typeof(float) ? (a.AsInt32() + b.AsInt32()).As<int, T>() : (a.AsInt64() + b.AsInt64()).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> SubtractIntegers(Vector128<T> a, Vector128<T> b) =>
        typeof(T) == typeof(float) ? (a.AsInt32() - b.AsInt32()).As<int, T>() : (a.AsInt64() - b.AsInt64()).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ShiftLeftIntegers(Vector128<T> x, int count) =>
        typeof(T) == typeof(float) ? (x.AsInt32() << count).As<int, T>() : (x.AsInt64() << count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ShiftRightArithmeticIntegers(Vector128<T> x, int count) =>
        typeof(T) == typeof(float) ? (x.AsInt32() >> count).As<int, T>() : (x.AsInt64() >> count).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> BroadcastBits(long bits) =>
        typeof(T) == typeof(float) ? Vector128.Create((int)bits).As<int, T>() : Vector128.Create(bits).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LoadFirst(ref T source, int count) => LaneBits.CopyFirst<T, Vector128<T>>(ref source, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(Vector128<T> value, ref T destination, int count) => LaneBits.StoreFirst(value, ref destination, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FoldSum(Vector128<T> value)
    {
        if (typeof(T) == typeof(double)) return value.GetElement(0) + value.GetElement(1);
        var pairs = (value.AsSingle() + Vector128.Shuffle(value.AsSingle(), Vector128.Create(2, 3, 0, 1))).As<float, T>(); // lane i + lane i + 2
        return pairs.GetElement(0) + pairs.GetElement(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FoldMax(Vector128<T> value)
    {
        if (typeof(T) == typeof(double)) return T.Max(value.GetElement(0), value.GetElement(1));
        var pairs = Vector128.Max(value.AsSingle(), Vector128.Shuffle(value.AsSingle(), Vector128.Create(2, 3, 0, 1))).As<float, T>();
        return T.Max(pairs.GetElement(0), pairs.GetElement(1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWide(Vector128<T> value, ref double destination)
    {
        if (typeof(T) == typeof(float))
        {
            var (lower, upper) = Vector128.Widen(value.AsSingle());
            lower.StoreUnsafe(ref destination);
            upper.StoreUnsafe(ref destination, (nuint)Vector128<double>.Count);
        }
        else value.AsDouble().StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWide(Vector128<T> value, ref double destination)
    {
        if (typeof(T) == typeof(float))
        {
            var (lower, upper) = Vector128.Widen(value.AsSingle());
            (Vector128.LoadUnsafe(ref destination) + lower).StoreUnsafe(ref destination);
            (Vector128.LoadUnsafe(ref destination, (nuint)Vector128<double>.Count) + upper).StoreUnsafe(ref destination, (nuint)Vector128<double>.Count);
        }
        else (Vector128.LoadUnsafe(ref destination) + value.AsDouble()).StoreUnsafe(ref destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> AddWideAndRound(ref double total, Vector128<T> value)
    {
        if (typeof(T) != typeof(float)) return (Vector128.LoadUnsafe(ref total) + value.AsDouble()).As<double, T>();
        var (lower, upper) = Vector128.Widen(value.AsSingle());
        return Vector128.Narrow(Vector128.LoadUnsafe(ref total) + lower, Vector128.LoadUnsafe(ref total, (nuint)Vector128<double>.Count) + upper).As<float, T>();
    }
}

/// <summary>The scalar width: one element, the same operations and bit patterns as a vector lane.</summary>
internal readonly struct Lanes1<T> : ILanes<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;
    public static T Zero => T.Zero;
    public static T One => T.One;
    public static T Indices => T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Load(ref T source) => source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T value, ref T destination) => destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Broadcast(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Add(T a, T b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Subtract(T a, T b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Multiply(T a, T b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Divide(T a, T b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Negate(T x) => -x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T FusedMultiplyAdd(T a, T b, T addend) => T.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sqrt(T x) => T.Sqrt(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Abs(T x) => T.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Min(T a, T b) => T.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Max(T a, T b) => T.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Round(T x) => T.Round(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Equals(T a, T b) => Mask(a == b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T LessThan(T a, T b) => Mask(a < b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T LessThanOrEqual(T a, T b) => Mask(a <= b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T GreaterThan(T a, T b) => Mask(a > b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T GreaterThanOrEqual(T a, T b) => Mask(a >= b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ConditionalSelect(T mask, T whenTrue, T whenFalse)
    {
        long bits = LaneBits.ToBits(mask);
        return LaneBits.FromBits<T>((LaneBits.ToBits(whenTrue) & bits) | (LaneBits.ToBits(whenFalse) & ~bits));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T BitwiseAnd(T a, T b) => LaneBits.FromBits<T>(LaneBits.ToBits(a) & LaneBits.ToBits(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T BitwiseOr(T a, T b) => LaneBits.FromBits<T>(LaneBits.ToBits(a) | LaneBits.ToBits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AddIntegers(T a, T b) => typeof(T) == typeof(float)
        ? LaneBits.FromBits<T>(unchecked((int)LaneBits.ToBits(a) + (int)LaneBits.ToBits(b)))
        : LaneBits.FromBits<T>(unchecked(LaneBits.ToBits(a) + LaneBits.ToBits(b)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SubtractIntegers(T a, T b) => typeof(T) == typeof(float)
        ? LaneBits.FromBits<T>(unchecked((int)LaneBits.ToBits(a) - (int)LaneBits.ToBits(b)))
        : LaneBits.FromBits<T>(unchecked(LaneBits.ToBits(a) - LaneBits.ToBits(b)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ShiftLeftIntegers(T x, int count) => typeof(T) == typeof(float)
        ? LaneBits.FromBits<T>((int)LaneBits.ToBits(x) << count)
        : LaneBits.FromBits<T>(LaneBits.ToBits(x) << count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ShiftRightArithmeticIntegers(T x, int count) => typeof(T) == typeof(float)
        ? LaneBits.FromBits<T>((int)LaneBits.ToBits(x) >> count)
        : LaneBits.FromBits<T>(LaneBits.ToBits(x) >> count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T BroadcastBits(long bits) => LaneBits.FromBits<T>(bits);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T LoadFirst(ref T source, int count) => source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreFirst(T value, ref T destination, int count) => destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T FoldSum(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T FoldMax(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreWide(T value, ref double destination) => destination = double.CreateTruncating(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void AddWide(T value, ref double destination) => destination += double.CreateTruncating(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T AddWideAndRound(ref double total, T value) => T.CreateTruncating(total + double.CreateTruncating(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static T Mask(bool condition) => condition ? LaneBits.AllBitsSet<T>() : T.Zero;
}

/// <summary>Runs a scalar function on each lane of a vector: for functions computed in another precision (GELU in double).</summary>
internal static class LaneByLane
{
    /// <summary>op applied to each lane of <paramref name="x"/> through its scalar (<see cref="Lanes1{T}"/>) body.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Map<T, TV, L, TOp>(TV x, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> where TOp : struct, IUnaryOp
    {
        if (typeof(TV) == typeof(T)) return op.Invoke<T, TV, L>(x);
        Span<T> lanes = stackalloc T[L.Count];
        ref T first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(lanes);
        L.Store(x, ref first);
        for (int i = 0; i < lanes.Length; i++) lanes[i] = op.Invoke<T, T, Lanes1<T>>(lanes[i]);
        return L.Load(ref first);
    }
}
