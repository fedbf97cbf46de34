using System.Numerics;
using System.Runtime.Intrinsics;
using MiniNet.Kernels;

namespace MiniNet;

// Softmax and log-softmax along an axis. Each row is shifted by its maximum first, so exp never
// overflows (e^x exceeds float's range above x ≈ 88.7) and the largest term is exactly e^0 = 1.
public sealed partial class Tensor
{
    /// <summary>softmax(x)ᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m) along <paramref name="axis"/>, with m the maximum along it.</summary>
    public Tensor Softmax(int axis = -1) => AlongLastAxis(axis, nameof(Softmax), static x => x.SoftmaxLastAxis());

    /// <summary>log softmax(x)ᵢ = (xᵢ − m) − log Σⱼ e^(xⱼ − m) along <paramref name="axis"/>: stable, and always ≤ 0.</summary>
    public Tensor LogSoftmax(int axis = -1) => AlongLastAxis(axis, nameof(LogSoftmax), static x => x.LogSoftmaxLastAxis());

    /// <summary>Runs a last-axis kernel on any axis by moving that axis last and back (both moves are recorded).</summary>
    private Tensor AlongLastAxis(int axis, string op, Func<Tensor, Tensor> lastAxisOp)
    {
        int resolved = Shape.NormalizeAxis(axis, Rank, op);
        if (resolved == Rank - 1) return lastAxisOp(this);
        return lastAxisOp(Transpose(resolved, -1)).Transpose(resolved, -1);
    }

    private Tensor SoftmaxLastAxis()
    {
        int classes = Shape[-1];
        var y = Empty(Shape, DType);
        DTypeDispatch.Run(DType, new RowsKernel(RowsKernel.Softmax, this, y, y, classes));
        return Tape.Record("Softmax", y, [this], saved: [y], (g, grads) =>
        {
            if (!grads.Needs(this)) return;
            var dx = grads.Buffer(this);
            // dx += y ⊙ (g − Σⱼ gⱼ yⱼ), row by row
            DTypeDispatch.Run(DType, new RowsKernel(RowsKernel.SoftmaxBackward, g, y, dx, classes));
        });
    }

    private Tensor LogSoftmaxLastAxis()
    {
        int classes = Shape[-1];
        var y = Empty(Shape, DType);
        DTypeDispatch.Run(DType, new RowsKernel(RowsKernel.LogSoftmax, this, y, y, classes));
        return Tape.Record("LogSoftmax", y, [this], saved: [y], (g, grads) =>
        {
            if (!grads.Needs(this)) return;
            var dx = grads.Buffer(this);
            // dx += g − e^y · Σⱼ gⱼ, row by row (e^y is the softmax)
            DTypeDispatch.Run(DType, new RowsKernel(RowsKernel.LogSoftmaxBackward, g, y, dx, classes));
        });
    }

    internal static void SoftmaxRows<T>(ReadOnlySpan<T> x, Span<T> y, int classes, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (classes == 0) return;
        for (int start = 0; start < x.Length; start += classes)
        {
            var row = x.Slice(start, classes);
            var output = y.Slice(start, classes);
            double max = double.CreateTruncating(Simd.Max(row));
            Simd.Map(row, output, new ExpShiftedOp(max)); // e^(x − m) ≤ 1
            double sum = Simd.Sum<T>(output);
            // (x − m) − log Σ, not x − (m + log Σ): rounding m + log Σ at m's magnitude would lose log Σ's bits.
            if (log) Simd.Map(row, output, new LogSoftmaxShiftOp(max, ElementaryFunctions.Log(sum)));
            else Simd.Zip(output, sum, output, new DivideOp());
        }
    }

    private static void SoftmaxBackwardRows<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx, int classes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int start = 0; start < g.Length; start += classes)
        {
            var gRow = g.Slice(start, classes);
            var yRow = y.Slice(start, classes);
            double dot = Simd.Dot(gRow, yRow);
            Simd.ZipAdd(yRow, gRow, dx.Slice(start, classes), new ScaledDifferenceOp(dot));
        }
    }

    private static void LogSoftmaxBackwardRows<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx, int classes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int start = 0; start < g.Length; start += classes)
        {
            var gRow = g.Slice(start, classes);
            double total = Simd.Sum(gRow);
            Simd.ZipAdd(gRow, y.Slice(start, classes), dx.Slice(start, classes), new LogSoftmaxGradOp(total));
        }
    }

    /// <summary>One of the row kernels below on (a, b) into c, for the tensors' dtype.</summary>
    private readonly struct RowsKernel(int kind, Tensor a, Tensor b, Tensor c, int classes) : IDTypeKernel
    {
        public const int Softmax = 0, LogSoftmax = 1, SoftmaxBackward = 2, LogSoftmaxBackward = 3;

        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (kind)
            {
                case Softmax: SoftmaxRows(a.Span<T>(), c.Span<T>(), classes, log: false); break;
                case LogSoftmax: SoftmaxRows(a.Span<T>(), c.Span<T>(), classes, log: true); break;
                case SoftmaxBackward: SoftmaxBackwardRows(a.Span<T>(), b.Span<T>(), c.Span<T>(), classes); break;
                default: LogSoftmaxBackwardRows(a.Span<T>(), b.Span<T>(), c.Span<T>(), classes); break;
            }
        }
    }
}
