using System.Runtime.CompilerServices;
using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// Elementwise comparisons, as PyTorch's eq, ne, gt, ge, lt and le, with NumPy broadcasting or a number on the right.
// MiniNet has no bool dtype, so a mask is 1 where true and 0 where false in the inputs' dtype. A mask is not
// differentiable (nothing is recorded, as PyTorch's bool results carry no gradient); Where and MaskedFill take it.
// A comparison with NaN is false except Ne, which is true (IEEE 754). A number is rounded to the tensor's dtype first.
public sealed partial class Tensor
{
    /// <summary>1 where this = <paramref name="other"/> (broadcasting), else 0, as <c>torch.eq</c>; NaN equals nothing, −0 equals +0. Not differentiable.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the dtypes differ.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public Tensor Eq(Tensor other) => Compare("Eq", other, new EqualOp());

    /// <summary>1 where this = <paramref name="value"/> (rounded to this dtype), else 0. Not differentiable.</summary>
    public Tensor Eq(double value) => Elementwise.Map(this, new BindRight<EqualOp>(new EqualOp(), value));

    /// <summary>1 where this ≠ <paramref name="other"/> (broadcasting), else 0, as <c>torch.ne</c>; 1 wherever either is NaN. Not differentiable.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the dtypes differ.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public Tensor Ne(Tensor other) => Compare("Ne", other, new NotEqualOp());

    /// <summary>1 where this ≠ <paramref name="value"/> (rounded to this dtype), else 0. Not differentiable.</summary>
    public Tensor Ne(double value) => Elementwise.Map(this, new BindRight<NotEqualOp>(new NotEqualOp(), value));

    /// <summary>1 where this &gt; <paramref name="other"/> (broadcasting), else 0, as <c>torch.gt</c>. Not differentiable.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the dtypes differ.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public Tensor Gt(Tensor other) => Compare("Gt", other, new GreaterThanOp());

    /// <summary>1 where this &gt; <paramref name="value"/> (rounded to this dtype), else 0. Not differentiable.</summary>
    public Tensor Gt(double value) => Elementwise.Map(this, new BindRight<GreaterThanOp>(new GreaterThanOp(), value));

    /// <summary>1 where this ≥ <paramref name="other"/> (broadcasting), else 0, as <c>torch.ge</c>. Not differentiable.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the dtypes differ.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public Tensor Ge(Tensor other) => Compare("Ge", other, new GreaterThanOrEqualOp());

    /// <summary>1 where this ≥ <paramref name="value"/> (rounded to this dtype), else 0. Not differentiable.</summary>
    public Tensor Ge(double value) => Elementwise.Map(this, new BindRight<GreaterThanOrEqualOp>(new GreaterThanOrEqualOp(), value));

    /// <summary>1 where this &lt; <paramref name="other"/> (broadcasting), else 0, as <c>torch.lt</c>. Not differentiable.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the dtypes differ.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public Tensor Lt(Tensor other) => Compare("Lt", other, new LessThanOp());

    /// <summary>1 where this &lt; <paramref name="value"/> (rounded to this dtype), else 0. Not differentiable.</summary>
    public Tensor Lt(double value) => Elementwise.Map(this, new BindRight<LessThanOp>(new LessThanOp(), value));

    /// <summary>1 where this ≤ <paramref name="other"/> (broadcasting), else 0, as <c>torch.le</c>. Not differentiable.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the dtypes differ.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public Tensor Le(Tensor other) => Compare("Le", other, new LessThanOrEqualOp());

    /// <summary>1 where this ≤ <paramref name="value"/> (rounded to this dtype), else 0. Not differentiable.</summary>
    public Tensor Le(double value) => Elementwise.Map(this, new BindRight<LessThanOrEqualOp>(new LessThanOrEqualOp(), value));

    private Tensor Compare<TOp>(string name, Tensor other, TOp op) where TOp : struct, IBinaryOp
    {
        ArgumentNullException.ThrowIfNull(other);
        return Elementwise.Broadcast(name, this, other, op);
    }

    // == between tensors would compile to a reference comparison (false for two tensors of equal elements), which
    // a PyTorch user reads as an elementwise one. So it does not compile; the message says what to write instead.
    internal const string EqualityOperatorRefusal =
        "Tensor == and != would compare references, not elements: use a.Eq(b) or a.Ne(b) for an elementwise mask, " +
        "ReferenceEquals(a, b) for the same tensor, and 'is null' or 'is not null' for a null check.";

    /// <summary>Does not compile: use <see cref="Eq(Tensor)"/> for elements, <see cref="object.ReferenceEquals"/> or <c>is null</c> for references.</summary>
    [Obsolete(EqualityOperatorRefusal, error: true)]
    public static bool operator ==(Tensor? a, Tensor? b) => ReferenceEquals(a, b);

    /// <summary>Does not compile: use <see cref="Ne(Tensor)"/> for elements, <c>!ReferenceEquals(a, b)</c> or <c>is not null</c> for references.</summary>
    [Obsolete(EqualityOperatorRefusal, error: true)]
    public static bool operator !=(Tensor? a, Tensor? b) => !ReferenceEquals(a, b);

    /// <summary>True only for this very tensor: tensors are equal by reference (compare elements with <see cref="Eq(Tensor)"/>).</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <summary>A hash of the reference, consistent with <see cref="Equals(object?)"/>.</summary>
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);
}
