using System.Numerics;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

// Elementwise kernels are small structs implementing one of these interfaces, passed as generic arguments
// to the drivers in Simd (the design of .NET's TensorPrimitives): the JIT specialises the driver for each
// (operator, element type) pair and inlines the operator, so one driver serves every op, both dtypes and
// every vector width. Each operator gives the same function at every width; the scalar one also
// finishes the tail of a span.

/// <summary>An elementwise function y = f(x). Instance methods, so an operator can carry parameters (a slope, a bound).</summary>
internal interface IUnaryOp
{
    T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;

    Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T>;

    Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T>;

    Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An elementwise function of two arguments, y = f(a, b).</summary>
internal interface IBinaryOp
{
    T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;

    Vector128<T> Invoke<T>(Vector128<T> a, Vector128<T> b) where T : unmanaged, IFloatingPointIeee754<T>;

    Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, IFloatingPointIeee754<T>;

    Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The four arithmetic operators, shared by the ops and the gradient kernels.</summary>
internal readonly struct AddOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a + b;
    public Vector128<T> Invoke<T>(Vector128<T> a, Vector128<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a + b;
    public Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a + b;
    public Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a + b;
}

/// <inheritdoc cref="AddOp"/>
internal readonly struct SubtractOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a - b;
    public Vector128<T> Invoke<T>(Vector128<T> a, Vector128<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a - b;
    public Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a - b;
    public Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a - b;
}

/// <inheritdoc cref="AddOp"/>
internal readonly struct MultiplyOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * b;
    public Vector128<T> Invoke<T>(Vector128<T> a, Vector128<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a * b;
    public Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a * b;
    public Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a * b;
}

/// <inheritdoc cref="AddOp"/>
internal readonly struct DivideOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a / b;
    public Vector128<T> Invoke<T>(Vector128<T> a, Vector128<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a / b;
    public Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a / b;
    public Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a / b;
}

/// <summary>An elementwise function of three arguments, y = f(a, b, c).</summary>
internal interface ITernaryOp
{
    T Invoke<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>;

    Vector128<T> Invoke<T>(Vector128<T> a, Vector128<T> b, Vector128<T> c) where T : unmanaged, IFloatingPointIeee754<T>;

    Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged, IFloatingPointIeee754<T>;

    Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged, IFloatingPointIeee754<T>;
}

// Adapters that let the three drivers serve scalar operands and accumulation too.
// A bound scalar is kept as double: float -> double -> float is exact, so nothing is lost for either dtype.

/// <summary>x ↦ op(x, value).</summary>
internal readonly struct BindRight<TOp, TValue>(TOp op, TValue value) : IUnaryOp
    where TOp : struct, IBinaryOp where TValue : unmanaged, IFloatingPointIeee754<TValue>
{
    private readonly double _value = double.CreateTruncating(value);
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => op.Invoke(x, T.CreateTruncating(_value));
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => op.Invoke(x, Vector128.Create(T.CreateTruncating(_value)));
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => op.Invoke(x, Vector256.Create(T.CreateTruncating(_value)));
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => op.Invoke(x, Vector512.Create(T.CreateTruncating(_value)));
}

/// <summary>x ↦ op(value, x).</summary>
internal readonly struct BindLeft<TOp, TValue>(TOp op, TValue value) : IUnaryOp
    where TOp : struct, IBinaryOp where TValue : unmanaged, IFloatingPointIeee754<TValue>
{
    private readonly double _value = double.CreateTruncating(value);
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => op.Invoke(T.CreateTruncating(_value), x);
    public Vector128<T> Invoke<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => op.Invoke(Vector128.Create(T.CreateTruncating(_value)), x);
    public Vector256<T> Invoke<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => op.Invoke(Vector256.Create(T.CreateTruncating(_value)), x);
    public Vector512<T> Invoke<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => op.Invoke(Vector512.Create(T.CreateTruncating(_value)), x);
}

/// <summary>(acc, x) ↦ acc + op(x).</summary>
internal readonly struct AddUnary<TOp>(TOp op) : IBinaryOp where TOp : struct, IUnaryOp
{
    public T Invoke<T>(T acc, T x) where T : unmanaged, IFloatingPointIeee754<T> => acc + op.Invoke(x);
    public Vector128<T> Invoke<T>(Vector128<T> acc, Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> => acc + op.Invoke(x);
    public Vector256<T> Invoke<T>(Vector256<T> acc, Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> => acc + op.Invoke(x);
    public Vector512<T> Invoke<T>(Vector512<T> acc, Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> => acc + op.Invoke(x);
}

/// <summary>(acc, a, b) ↦ acc + op(a, b).</summary>
internal readonly struct AddBinary<TOp>(TOp op) : ITernaryOp where TOp : struct, IBinaryOp
{
    public T Invoke<T>(T acc, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => acc + op.Invoke(a, b);
    public Vector128<T> Invoke<T>(Vector128<T> acc, Vector128<T> a, Vector128<T> b) where T : unmanaged, IFloatingPointIeee754<T> => acc + op.Invoke(a, b);
    public Vector256<T> Invoke<T>(Vector256<T> acc, Vector256<T> a, Vector256<T> b) where T : unmanaged, IFloatingPointIeee754<T> => acc + op.Invoke(a, b);
    public Vector512<T> Invoke<T>(Vector512<T> acc, Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T> => acc + op.Invoke(a, b);
}
