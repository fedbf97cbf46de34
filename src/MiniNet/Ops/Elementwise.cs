using MiniNet.Kernels;

namespace MiniNet.Ops;

/// <summary>
/// The bridge from tensors (whose dtype is known at run time) to the generic kernels: each helper
/// checks shapes and dtypes once, allocates the result, and runs the float or the double instantiation.
/// </summary>
internal static class Elementwise
{
    /// <summary>A new tensor y = op(x).</summary>
    public static Tensor Map<TOp>(Tensor x, TOp op) where TOp : struct, IUnaryOp
    {
        var y = Tensor.Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32) Simd.Map(x.Span<float>(), y.Span<float>(), op);
        else Simd.Map(x.Span<double>(), y.Span<double>(), op);
        return y;
    }

    /// <summary>A new tensor y = op(a, b) with NumPy broadcasting; errors name <paramref name="name"/> and both shapes.</summary>
    public static Tensor Broadcast<TOp>(string name, Tensor a, Tensor b, TOp op) where TOp : struct, IBinaryOp
    {
        CheckSameDType(name, a, b);
        var shape = Shape.Broadcast(a.Shape, b.Shape, name);
        var y = Tensor.Empty(shape, a.DType);
        if (a.DType == DType.Float32)
            Broadcasting.Binary(a.Span<float>(), a.Shape, b.Span<float>(), b.Shape, y.Span<float>(), shape, op);
        else
            Broadcasting.Binary(a.Span<double>(), a.Shape, b.Span<double>(), b.Shape, y.Span<double>(), shape, op);
        return y;
    }

    /// <summary>
    /// x's gradient += op(a, b), where a and b have x's shape: one fused pass for a backward rule. Into a
    /// gradient nothing has reached yet the pass stores, rather than adding to zeros written first.
    /// </summary>
    public static void AddInto<TOp>(this Gradients grads, Tensor x, Tensor a, Tensor b, TOp op) where TOp : struct, IBinaryOp
    {
        if (!grads.Needs(x)) return;
        var buffer = grads.BufferToWrite(x, out bool accumulate);
        if (x.DType == DType.Float32) StoreOrAdd(a.Span<float>(), b.Span<float>(), buffer.Span<float>(), op, accumulate);
        else StoreOrAdd(a.Span<double>(), b.Span<double>(), buffer.Span<double>(), op, accumulate);
    }

    /// <summary>x's gradient += op(a), where a has x's shape; stored into a gradient nothing has reached yet.</summary>
    public static void AddInto<TOp>(this Gradients grads, Tensor x, Tensor a, TOp op) where TOp : struct, IUnaryOp
    {
        if (!grads.Needs(x)) return;
        var buffer = grads.BufferToWrite(x, out bool accumulate);
        if (x.DType == DType.Float32) StoreOrAdd(a.Span<float>(), buffer.Span<float>(), op, accumulate);
        else StoreOrAdd(a.Span<double>(), buffer.Span<double>(), op, accumulate);
    }

    private static void StoreOrAdd<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> gradient, TOp op, bool accumulate)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        if (accumulate) Simd.ZipAdd(a, b, gradient, op);
        else Simd.Zip(a, b, gradient, op);
    }

    private static void StoreOrAdd<T, TOp>(ReadOnlySpan<T> a, Span<T> gradient, TOp op, bool accumulate)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        if (accumulate) Simd.MapAdd(a, gradient, op);
        else Simd.Map(a, gradient, op);
    }

    /// <summary>
    /// x's gradient += g broadcast up to x's shape: the backward of a reduction, whose output gradient
    /// (with the reduced axes kept as size 1) spreads back over the axes it summed.
    /// </summary>
    public static void AddBroadcast(this Gradients grads, Tensor x, Tensor g)
    {
        if (!grads.Needs(x)) return;
        var buffer = grads.Buffer(x);
        if (x.DType == DType.Float32)
            Broadcasting.Binary(buffer.Span<float>(), buffer.Shape, g.Span<float>(), g.Shape, buffer.Span<float>(), buffer.Shape, new AddOp());
        else
            Broadcasting.Binary(buffer.Span<double>(), buffer.Shape, g.Span<double>(), g.Shape, buffer.Span<double>(), buffer.Shape, new AddOp());
    }

    public static void CheckSameDType(string name, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new ArgumentException(
                $"{name}: dtypes differ: {a.Shape} {a.DType} and {b.Shape} {b.DType}. MiniNet does not promote silently; convert one with To(DType).");
    }
}
