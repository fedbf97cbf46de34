using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// One SIMD width as the GEMM kernels see it, so that each kernel is written once and instantiated per width:
/// the JIT specialises a kernel for every (element type, width) pair and inlines these members into it.
/// <c>Lanes1</c> is the scalar width, the fallback when no vector hardware is present.
/// </summary>
internal interface ILanes<T, TVector> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Load(ref T source);

    static abstract void Store(TVector value, ref T destination);

    static abstract TVector Broadcast(T value);

    /// <summary>a·b + addend through <see cref="VectorMath.MultiplyAdd{T}(T, T, T)"/> (fused where the CPU has FMA).</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector addend);

    static abstract TVector Add(TVector a, TVector b);

    static abstract T Sum(TVector value);

    /// <summary>destination[0 .. Count) = value, widened to double (the running totals of a long k, <see cref="GemmDepth"/>).</summary>
    static abstract void StoreWide(TVector value, ref double destination);

    /// <summary>destination[0 .. Count) += value, widened to double.</summary>
    static abstract void AddWide(TVector value, ref double destination);

    /// <summary>total[0 .. Count) + value, added in double and rounded to T.</summary>
    static abstract TVector AddWideAndRound(ref double total, TVector value);
}

internal readonly struct Lanes512<T> : ILanes<T, Vector512<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;
    public static Vector512<T> Zero => Vector512<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Load(ref T source) => Vector512.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<T> value, ref T destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Broadcast(T value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> addend) => VectorMath.MultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector512<T> value) => Vector512.Sum(value);

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Load(ref T source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<T> value, ref T destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Broadcast(T value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> addend) => VectorMath.MultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector256<T> value) => Vector256.Sum(value);

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Load(ref T source) => Vector128.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<T> value, ref T destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Broadcast(T value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> addend) => VectorMath.MultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector128<T> value) => Vector128.Sum(value);

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

internal readonly struct Lanes1<T> : ILanes<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;
    public static T Zero => T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Load(ref T source) => source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T value, ref T destination) => destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Broadcast(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T MultiplyAdd(T a, T b, T addend) => VectorMath.MultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Add(T a, T b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreWide(T value, ref double destination) => destination = double.CreateTruncating(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void AddWide(T value, ref double destination) => destination += double.CreateTruncating(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T AddWideAndRound(ref double total, T value) => T.CreateTruncating(total + double.CreateTruncating(value));
}
