using MiniNet.Kernels;

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
        if (DType == DType.Float32) Span<float>().Fill((float)value);
        else Span<double>().Fill(value);
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
        if (DType == DType.Float32) source.Span<float>().CopyTo(Span<float>());
        else source.Span<double>().CopyTo(Span<double>());
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
        if (DType == DType.Float32)
            Broadcasting.Binary(Span<float>(), Shape, scaled.Span<float>(), scaled.Shape, Span<float>(), Shape, new AddOp());
        else
            Broadcasting.Binary(Span<double>(), Shape, scaled.Span<double>(), scaled.Shape, Span<double>(), Shape, new AddOp());
        return this;
    }

    /// <summary>this *= <paramref name="factor"/>. Returns this tensor.</summary>
    /// <exception cref="InvalidOperationException">This is a leaf that requires grad and recording is on.</exception>
    public Tensor MulInPlace(double factor)
    {
        BeginInPlace(nameof(MulInPlace));
        if (DType == DType.Float32) Simd.Zip(Span<float>(), (float)factor, Span<float>(), new MultiplyOp());
        else Simd.Zip(Span<double>(), factor, Span<double>(), new MultiplyOp());
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
}
