using System.Numerics;
using MiniNet.Kernels;

namespace MiniNet.Ops;

/// <summary>
/// The bridge from tensors (whose dtype is known at run time) to the generic kernels: each helper checks shapes
/// and dtypes once, allocates the result, and runs its kernel for the dtype through <see cref="DTypeDispatch"/>.
/// </summary>
internal static class Elementwise
{
    /// <summary>A new tensor y = op(x).</summary>
    public static Tensor Map<TOp>(Tensor x, TOp op) where TOp : struct, IUnaryOp
    {
        var y = Tensor.Empty(x.Shape, x.DType);
        DTypeDispatch.Run(x.DType, new MapKernel<TOp>(x, y, op, accumulate: false));
        return y;
    }

    /// <summary>A new tensor y = op(a, b) with NumPy broadcasting; errors name <paramref name="name"/> and both shapes.</summary>
    public static Tensor Broadcast<TOp>(string name, Tensor a, Tensor b, TOp op) where TOp : struct, IBinaryOp
    {
        CheckSameDType(name, a, b);
        var y = Tensor.Empty(Shape.Broadcast(a.Shape, b.Shape, name), a.DType);
        DTypeDispatch.Run(a.DType, new BroadcastKernel<TOp>(a, b, y, op));
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
        DTypeDispatch.Run(x.DType, new ZipKernel<TOp>(a, b, buffer, op, accumulate));
    }

    /// <summary>x's gradient += op(a), where a has x's shape; stored into a gradient nothing has reached yet.</summary>
    public static void AddInto<TOp>(this Gradients grads, Tensor x, Tensor a, TOp op) where TOp : struct, IUnaryOp
    {
        if (!grads.Needs(x)) return;
        var buffer = grads.BufferToWrite(x, out bool accumulate);
        DTypeDispatch.Run(x.DType, new MapKernel<TOp>(a, buffer, op, accumulate));
    }

    /// <summary>
    /// x's gradient += g broadcast up to x's shape: the backward of a reduction, whose output gradient
    /// (with the reduced axes kept as size 1) spreads back over the axes it summed.
    /// </summary>
    public static void AddBroadcast(this Gradients grads, Tensor x, Tensor g)
    {
        if (!grads.Needs(x)) return;
        var buffer = grads.Buffer(x);
        DTypeDispatch.Run(x.DType, new BroadcastKernel<AddOp>(buffer, g, buffer, new AddOp()));
    }

    /// <summary>target += other broadcast to target's shape, in place.</summary>
    public static void AddTo(Tensor target, Tensor other) => DTypeDispatch.Run(target.DType, new BroadcastKernel<AddOp>(target, other, target, new AddOp()));

    /// <summary>x = op(x), in place.</summary>
    public static void MapInPlace<TOp>(Tensor x, TOp op) where TOp : struct, IUnaryOp => DTypeDispatch.Run(x.DType, new MapKernel<TOp>(x, x, op, accumulate: false));

    public static void CheckSameDType(string name, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new ArgumentException(
                $"{name}: dtypes differ: {a.Shape} {a.DType} and {b.Shape} {b.DType}. MiniNet does not promote silently; convert one with To(DType).");
    }

    /// <summary>y = op(x), or y += op(x).</summary>
    private readonly struct MapKernel<TOp>(Tensor x, Tensor y, TOp op, bool accumulate) : IDTypeKernel where TOp : struct, IUnaryOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (accumulate) Simd.MapAdd(x.Span<T>(), y.Span<T>(), op);
            else Simd.Map(x.Span<T>(), y.Span<T>(), op);
        }
    }

    /// <summary>y = op(a, b), or y += op(a, b), all of one shape.</summary>
    private readonly struct ZipKernel<TOp>(Tensor a, Tensor b, Tensor y, TOp op, bool accumulate) : IDTypeKernel where TOp : struct, IBinaryOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (accumulate) Simd.ZipAdd(a.Span<T>(), b.Span<T>(), y.Span<T>(), op);
            else Simd.Zip(a.Span<T>(), b.Span<T>(), y.Span<T>(), op);
        }
    }

    /// <summary>y = op(a, b) with a and b broadcast to y's shape (y may be a).</summary>
    private readonly struct BroadcastKernel<TOp>(Tensor a, Tensor b, Tensor y, TOp op) : IDTypeKernel where TOp : struct, IBinaryOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Broadcasting.Binary(a.Span<T>(), a.Shape, b.Span<T>(), b.Shape, y.Span<T>(), y.Shape, op);
    }
}
