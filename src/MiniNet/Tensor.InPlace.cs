using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// In-place changes are not differentiable: they are for optimisers, initialisers and data loaders. Each
// bumps the storage's version counter, so that a value some op saved for backward and that is changed
// afterwards raises an error at backward instead of giving a wrong gradient.
public sealed partial class Tensor
{
    /// <summary>Sets every element to <paramref name="value"/> (rounded to the dtype). Returns this tensor.</summary>
    /// <exception cref="InvalidOperationException">This is a leaf that requires grad and recording is on.</exception>
    public Tensor Fill(double value)
    {
        BeginInPlace(nameof(Fill));
        DTypeDispatch.Run(DType, new FillKernel(this, value));
        return this;
    }

    /// <summary>Copies <paramref name="source"/>'s elements into this tensor (same shape and dtype). Returns this tensor.</summary>
    /// <exception cref="ArgumentException">The shapes or dtypes differ.</exception>
    /// <exception cref="InvalidOperationException">This is a leaf that requires grad and recording is on.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    public Tensor CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckSameLayout(source, nameof(CopyFrom));
        BeginInPlace(nameof(CopyFrom));
        Array.Copy(source.StorageArray, StorageArray, ElementCount);
        return this;
    }

    /// <summary>this += <paramref name="alpha"/> · <paramref name="other"/>, with <paramref name="other"/> broadcast to this shape (PyTorch's <c>add_(other, alpha=…)</c>).</summary>
    /// <exception cref="ArgumentException">The dtypes differ, or <paramref name="other"/> does not broadcast to this tensor's shape.</exception>
    /// <exception cref="InvalidOperationException">This is a leaf that requires grad and recording is on.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.DType != DType)
            throw new ArgumentException($"AddInPlace: dtypes differ: this is {DType}, the other {other.DType}.", nameof(other));
        if (Shape.Broadcast(Shape, other.Shape, nameof(AddInPlace)) != Shape)
            throw new ArgumentException($"AddInPlace: {other.Shape} does not broadcast to this tensor's shape {Shape}.", nameof(other));
        BeginInPlace(nameof(AddInPlace));
        var scaled = alpha == 1 ? other : other.Detach() * alpha;
        Elementwise.AddTo(this, scaled);
        return this;
    }

    /// <summary>this *= <paramref name="factor"/>. Returns this tensor.</summary>
    /// <exception cref="InvalidOperationException">This is a leaf that requires grad and recording is on.</exception>
    public Tensor MulInPlace(double factor)
    {
        BeginInPlace(nameof(MulInPlace));
        Elementwise.MapInPlace(this, new BindRight<MultiplyOp>(new MultiplyOp(), factor)); // the factor rounded to the dtype first
        return this;
    }

    /// <summary>
    /// Checks that an in-place change is allowed and bumps the version. Refused while recording on a
    /// tensor that requires grad: the tape could not differentiate through the change (PyTorch refuses the
    /// same on leaves; optimisers update parameters inside <see cref="Tape.NoGrad"/>).
    /// </summary>
    internal void BeginInPlace(string op)
    {
        if (RequiresGrad && Tape.IsRecording)
            throw new InvalidOperationException(
                $"{op}: an in-place change to a tensor that requires grad ({Shape}) is not differentiable. " +
                "Do it inside `using (Tape.NoGrad())`, as optimisers do, or work on a Detach()ed or Clone()d tensor.");
        Version.Bump();
    }

    private void CheckSameLayout(Tensor other, string op)
    {
        if (other.Shape != Shape || other.DType != DType)
            throw new ArgumentException($"{op}: expected {Shape} {DType}, got {other.Shape} {other.DType}.", nameof(other));
    }
    private readonly struct FillKernel(Tensor tensor, double value) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => tensor.Span<T>().Fill(T.CreateTruncating(value));
    }
}
