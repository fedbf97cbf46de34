using System.Numerics;
using System.Runtime.Intrinsics;
using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

// + − × ÷ and negation, with NumPy broadcasting between tensors and with plain numbers on either side.
// Each forward is followed by its backward rule; a broadcast operand's gradient is summed back to its
// own shape by Gradients.Accumulate. A number operand is rounded to the tensor's dtype, as in PyTorch.
public sealed partial class Tensor
{
    /// <summary>Elementwise a + b with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var sum = Elementwise.Broadcast("Add", a, b, new AddOp());
        return Tape.Record("Add", sum, [a, b], saved: [], static (op, g, grads) =>
        {
            grads.Accumulate(op.Input(0), g); // ∂(a+b)/∂a = 1
            grads.Accumulate(op.Input(1), g); // ∂(a+b)/∂b = 1
        });
    }

    /// <summary>Elementwise a − b with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var difference = Elementwise.Broadcast("Sub", a, b, new SubtractOp());
        return Tape.Record("Sub", difference, [a, b], saved: [], static (op, g, grads) =>
        {
            var (a, b) = (op.Input(0), op.Input(1));
            grads.Accumulate(a, g);                       // ∂(a−b)/∂a = 1
            if (grads.Needs(b)) grads.Accumulate(b, -g);  // ∂(a−b)/∂b = −1
        });
    }

    /// <summary>Elementwise a · b with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var product = Elementwise.Broadcast("Mul", a, b, new MultiplyOp());
        return Tape.Record("Mul", product, [a, b], saved: [a, b], static (op, g, grads) =>
        {
            var (a, b) = (op.Input(0), op.Input(1));
            if (grads.Needs(a)) grads.Accumulate(a, g * b); // ∂(ab)/∂a = b
            if (grads.Needs(b)) grads.Accumulate(b, g * a); // ∂(ab)/∂b = a
        });
    }

    /// <summary>Elementwise a / b with broadcasting (IEEE semantics: x/0 is ±∞ or NaN, as in PyTorch).</summary>
    public static Tensor operator /(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var quotient = Elementwise.Broadcast("Div", a, b, new DivideOp());
        return Tape.Record("Div", quotient, [a, b], saved: [a, b], static (op, g, grads) =>
        {
            var (a, b) = (op.Input(0), op.Input(1));
            if (grads.Needs(a)) grads.Accumulate(a, g / b);            // ∂(a/b)/∂a = 1/b
            if (grads.Needs(b)) grads.Accumulate(b, -(g * a) / (b * b)); // ∂(a/b)/∂b = −a/b²
        });
    }

    /// <summary>Elementwise −x.</summary>
    public static Tensor operator -(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var negated = Elementwise.Map(x, new NegateOp());
        return Tape.Record("Neg", negated, [x], saved: [], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, new NegateOp())); // dx += −g
    }

    /// <summary>x + s.</summary>
    public static Tensor operator +(Tensor x, double s) => AddScalar(x, s, "Add");

    /// <summary>s + x.</summary>
    public static Tensor operator +(double s, Tensor x) => AddScalar(x, s, "Add");

    /// <summary>x − s.</summary>
    public static Tensor operator -(Tensor x, double s) => AddScalar(x, -s, "Sub");

    /// <summary>s − x.</summary>
    public static Tensor operator -(double s, Tensor x) => AddScalar(-x, s, "Sub");

    /// <summary>x · s.</summary>
    public static Tensor operator *(Tensor x, double s) => MulScalar(x, s, "Mul");

    /// <summary>s · x.</summary>
    public static Tensor operator *(double s, Tensor x) => MulScalar(x, s, "Mul");

    /// <summary>x / s, divided elementwise (multiplying by 1/s would round differently).</summary>
    public static Tensor operator /(Tensor x, double s)
    {
        ArgumentNullException.ThrowIfNull(x);
        var quotient = MapScalar(x, s, new DivideOp());
        return Tape.Record("Div", quotient, [x], saved: [], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, new BindRight<DivideOp>(new DivideOp(), op.Argument0)), s); // dx += g / s
    }

    /// <summary>s / x.</summary>
    public static Tensor operator /(double s, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var quotient = Elementwise.Map(x, new BindLeft<DivideOp>(new DivideOp(), s)); // s rounded to x's dtype first
        return Tape.Record("Div", quotient, [x], saved: [x, quotient], (g, grads) =>
        {
            if (grads.Needs(x)) grads.Accumulate(x, -(g * quotient) / x); // ∂(s/x)/∂x = −s/x² = −(s/x)/x
        });
    }

    // The operators that forward here take their tensor as x too, so the refusal names their parameter.
    private static Tensor AddScalar(Tensor x, double s, string name)
    {
        ArgumentNullException.ThrowIfNull(x);
        var sum = MapScalar(x, s, new AddOp());
        return Tape.Record(name, sum, [x], saved: [], static (op, g, grads) => grads.Accumulate(op.Input(0), g)); // ∂(x+s)/∂x = 1
    }

    private static Tensor MulScalar(Tensor x, double s, string name)
    {
        ArgumentNullException.ThrowIfNull(x);
        var product = MapScalar(x, s, new MultiplyOp());
        return Tape.Record(name, product, [x], saved: [], static (op, g, grads) =>
            grads.AddInto(op.Input(0), g, new BindRight<MultiplyOp>(new MultiplyOp(), op.Argument0)), s); // dx += g·s
    }

    /// <summary>y = op(x, s), with s rounded to x's dtype first, so float32 math sees the float32 value of s.</summary>
    private static Tensor MapScalar<TOp>(Tensor x, double s, TOp op) where TOp : struct, IBinaryOp =>
        Elementwise.Map(x, new BindRight<TOp>(op, s));
}
