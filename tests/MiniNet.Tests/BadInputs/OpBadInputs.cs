namespace MiniNet.Tests.BadInputs;

/// <summary>Differentiable ops: arithmetic, activations, math, reductions, softmax, matmul, shape ops and custom ops.</summary>
internal static class OpBadInputs
{
    private const string Area = "Ops";

    /// <summary>A fresh float32 tensor of ones.</summary>
    private static Tensor Ones(params int[] shape) => Tensor.Ones(shape);

    /// <summary>A fresh float64 tensor of ones.</summary>
    private static Tensor Doubles(params int[] shape) => Tensor.Ones(shape, DType.Float64);

    public static IEnumerable<BadInput> Rows() =>
    [
        // Arithmetic: broadcasting, dtypes, nulls
        BadInput.Of<ArgumentException>(Area, "Add of shapes that do not broadcast",
            () => _ = Ones(2, 3) + Ones(2), "Add", "cannot broadcast [2, 3] with [2]", "dimension 1", "3 and 2"),
        BadInput.Of<ArgumentException>(Area, "Sub of float32 and float64",
            () => _ = Ones(2, 3) - Doubles(2, 3), "Sub", "dtypes differ", "[2, 3] Float32 and [2, 3] Float64", "To(DType)"),
        BadInput.Of<ArgumentException>(Area, "Mul of float64 and float32",
            () => _ = Doubles(3) * Ones(3), "Mul", "dtypes differ", "Float64", "Float32"),
        BadInput.Of<ArgumentException>(Area, "Div of shapes that do not broadcast",
            () => _ = Ones(4, 1) / Ones(3, 2), "Div", "cannot broadcast [4, 1] with [3, 2]"),
        BadInput.Of<ArgumentNullException>(Area, "Add of null", () => _ = Ones(2) + null!, "b"),
        BadInput.Of<ArgumentNullException>(Area, "Mul of null by a number", () => _ = (Tensor)null! * 2.0, "x"),
        BadInput.Of<ArgumentNullException>(Area, "a number minus null", () => _ = 1.0 - (Tensor)null!, "x"),
        BadInput.Of<ArgumentNullException>(Area, "Negation of null", () => _ = -(Tensor)null!, "x"),
        BadInput.Of<ArgumentException>(Area, "Pow of shapes that do not broadcast",
            () => Tensor.Pow(Ones(2, 3), Ones(4)), "Pow", "cannot broadcast [2, 3] with [4]"),
        BadInput.Of<ArgumentException>(Area, "Pow of float32 and float64",
            () => Tensor.Pow(Ones(2), Doubles(2)), "Pow", "dtypes differ"),
        BadInput.Of<ArgumentNullException>(Area, "Pow of a number to null", () => Tensor.Pow(2.0, null!), "x"),

        // MatMul and Linear
        BadInput.Of<ArgumentException>(Area, "MatMul with inner dimensions that differ",
            () => Ones(2, 3).MatMul(Ones(4, 5)), "MatMul", "cannot multiply [2, 3] by [4, 5]", "inner dimensions 3 and 4 differ"),
        BadInput.Of<ArgumentException>(Area, "MatMul of vectors of different lengths",
            () => Ones(3).MatMul(Ones(4)), "MatMul", "[3] by [4]", "inner dimensions 3 and 4"),
        BadInput.Of<ArgumentException>(Area, "MatMul of a scalar",
            () => Tensor.Scalar(2).MatMul(Ones(2, 3)), "MatMul", "[] by [2, 3]", "at least one dimension", "use * to scale"),
        BadInput.Of<ArgumentException>(Area, "MatMul with batch dimensions that do not broadcast",
            () => Ones(2, 2, 3).MatMul(Ones(3, 3, 4)), "MatMul", "[2, 2, 3] by [3, 3, 4]", "batch dimensions [2] and [3] do not broadcast"),
        BadInput.Of<ArgumentException>(Area, "MatMul of float32 by float64",
            () => Ones(2, 3).MatMul(Doubles(3, 2)), "MatMul", "dtypes differ", "[2, 3] Float32 and [3, 2] Float64"),
        BadInput.Of<ArgumentNullException>(Area, "MatMul by null", () => Ones(2, 3).MatMul(null!), "other"),
        BadInput.Of<ArgumentException>(Area, "Linear with a weight that is not 2-D",
            () => Tensor.Linear(Ones(2, 3), Ones(3)), "Linear", "weight must be [out, in]", "got [3]"),
        BadInput.Of<ArgumentException>(Area, "Linear with an input of the wrong width",
            () => Tensor.Linear(Ones(4, 5), Ones(2, 3)), "Linear", "expected input [*, 3]", "weight [2, 3]", "got [4, 5]"),
        BadInput.Of<ArgumentException>(Area, "Linear of a scalar input",
            () => Tensor.Linear(Tensor.Scalar(1), Ones(2, 3)), "Linear", "expected input [*, 3]", "got []"),
        BadInput.Of<ArgumentException>(Area, "Linear with a bias of the wrong length",
            () => Tensor.Linear(Ones(4, 3), Ones(2, 3), Ones(3)), "Linear", "bias must be [2]", "weight [2, 3]", "got [3]"),
        BadInput.Of<ArgumentException>(Area, "Linear of float64 input by a float32 weight",
            () => Tensor.Linear(Doubles(4, 3), Ones(2, 3)), "Linear", "dtypes differ", "Float64", "Float32"),
        BadInput.Of<ArgumentNullException>(Area, "Linear of a null input", () => Tensor.Linear(null!, Ones(2, 3)), "input"),

        // Activations and clamp: hyperparameters
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LeakyRelu with a NaN slope",
            () => Ones(3).LeakyRelu(double.NaN), "LeakyRelu", "negativeSlope is NaN", "finite"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LeakyRelu with an infinite slope",
            () => Ones(3).LeakyRelu(double.NegativeInfinity), "LeakyRelu", "negativeSlope is -Infinity", "finite"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LeakyRelu of float32 with a slope beyond float's range",
            () => Ones(3).LeakyRelu(-1e39), "LeakyRelu", "-1E+39", "Float32's range", "Float64"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Softplus with a zero beta",
            () => Ones(3).Softplus(beta: 0), "Softplus", "beta is 0", "positive, finite"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Softplus with a NaN beta",
            () => Ones(3).Softplus(beta: double.NaN), "Softplus", "beta is NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Softplus with an infinite beta",
            () => Ones(3).Softplus(beta: double.PositiveInfinity), "Softplus", "beta is Infinity"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Softplus with a NaN threshold",
            () => Ones(3).Softplus(threshold: double.NaN), "Softplus", "threshold is NaN"),
        BadInput.Of<ArgumentException>(Area, "Clamp without bounds", () => Ones(3).Clamp(), "Clamp", "at least one of min and max"),
        BadInput.Of<ArgumentException>(Area, "Clamp with a NaN min", () => Ones(3).Clamp(double.NaN, 1), "Clamp", "must not be NaN", "min NaN, max 1"),
        BadInput.Of<ArgumentException>(Area, "Clamp with a NaN max", () => Ones(3).Clamp(max: double.NaN), "Clamp", "must not be NaN", "max NaN"),

        // Reductions
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Sum along an axis past the last",
            () => Ones(2, 3).Sum(2), "Sum", "axis 2 is out of range for rank 2", "-2 to 1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Mean along an axis before the first",
            () => Ones(2, 3).Mean(-3), "Mean", "axis -3 is out of range for rank 2"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Sum of a scalar along an axis",
            () => Tensor.Scalar(1).Sum(0), "Sum", "axis 0 given for a scalar (rank 0)", "no axes"),
        BadInput.Of<InvalidOperationException>(Area, "Max of an empty tensor",
            () => Tensor.Zeros([0]).Max(), "Max", "empty tensor of [0]"),
        BadInput.Of<InvalidOperationException>(Area, "Max along an empty axis",
            () => Tensor.Zeros([0, 3]).Max(0), "Max", "empty axis 0 of [0, 3]"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Max along an axis out of range",
            () => Ones(2, 3).Max(5, keepDims: true), "Max", "axis 5 is out of range for rank 2"),
        BadInput.Of<InvalidOperationException>(Area, "ArgMax along an empty axis",
            () => Tensor.Zeros([0, 3]).ArgMax(0), "ArgMax", "axis 0 of [0, 3] is empty"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "ArgMax along an axis out of range",
            () => Ones(2, 3).ArgMax(2), "ArgMax", "axis 2 is out of range for rank 2"),

        // Softmax
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Softmax along an axis out of range",
            () => Ones(2, 3).Softmax(2), "Softmax", "axis 2 is out of range for rank 2", "-2 to 1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LogSoftmax of a scalar",
            () => Tensor.Scalar(1).LogSoftmax(), "LogSoftmax", "axis -1 given for a scalar"),

        // Shape ops
        BadInput.Of<ArgumentException>(Area, "Reshape to another element count",
            () => Ones(2, 3).Reshape(4, 2), "Reshape", "cannot view [2, 3] (6 elements) as [4, 2]", "keep the element count"),
        BadInput.Of<ArgumentException>(Area, "Reshape with two inferred dimensions",
            () => Ones(2, 3).Reshape(-1, -1), "Reshape", "as [-1, -1]", "at most one dimension may be −1"),
        BadInput.Of<ArgumentException>(Area, "Reshape with a dimension below -1",
            () => Ones(2, 3).Reshape(-2, -3), "Reshape", "as [-2, -3]"),
        BadInput.Of<ArgumentNullException>(Area, "Reshape to a null shape", () => Ones(2, 3).Reshape(null!), "shape"),
        BadInput.Of<ArgumentException>(Area, "Squeeze of a dimension that is not 1",
            () => Ones(2, 3).Squeeze(0), "Squeeze", "dimension 0 of [2, 3] has size 2, not 1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Unsqueeze past the end",
            () => Ones(2, 3).Unsqueeze(4), "Unsqueeze", "axis 4 is out of range for rank 3"),
        BadInput.Of<ArgumentException>(Area, "Flatten with the start after the end",
            () => Ones(2, 3, 4).Flatten(2, 1), "Flatten", "start axis 2 comes after end axis 1", "[2, 3, 4]"),
        BadInput.Of<InvalidOperationException>(Area, "Transpose of a 3-D tensor without axes",
            () => Ones(2, 3, 4).Transpose(), "Transpose", "[2, 3, 4] is not 2-D", "Transpose(axis0, axis1)"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Transpose of an axis out of range",
            () => Ones(2, 3).Transpose(0, 2), "Transpose", "axis 2 is out of range for rank 2"),
        BadInput.Of<ArgumentException>(Area, "Permute with a repeated axis",
            () => Ones(2, 3).Permute(0, 0), "Permute", "[0, 0] is not a permutation of the 2 axes of [2, 3]"),
        BadInput.Of<ArgumentException>(Area, "Permute with too few axes",
            () => Ones(2, 3, 4).Permute(1, 0), "Permute", "[1, 0] is not a permutation of the 3 axes of [2, 3, 4]"),
        BadInput.Of<ArgumentException>(Area, "Concat of no tensors", () => Tensor.Concat([]), "Concat", "at least one tensor"),
        BadInput.Of<ArgumentException>(Area, "Concat of scalars",
            () => Tensor.Concat([Tensor.Scalar(1), Tensor.Scalar(2)]), "Concat", "scalars (rank 0)", "Reshape them to [1]"),
        BadInput.Of<ArgumentException>(Area, "Concat of tensors that differ off the axis",
            () => Tensor.Concat([Ones(2, 3), Ones(2, 4)]), "Concat", "tensor 1 is [2, 4] Float32", "tensor 0 is [2, 3] Float32", "every dimension but axis 0"),
        BadInput.Of<ArgumentException>(Area, "Concat of float32 and float64",
            () => Tensor.Concat([Ones(2), Doubles(2)]), "Concat", "tensor 1 is [2] Float64", "share the dtype"),
        BadInput.Of<ArgumentException>(Area, "Concat of tensors of different ranks",
            () => Tensor.Concat([Ones(2, 3), Ones(2, 3, 1)], axis: 1), "Concat", "tensor 1 is [2, 3, 1]", "tensor 0 is [2, 3]"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Concat along an axis out of range",
            () => Tensor.Concat([Ones(2, 3), Ones(2, 3)], axis: 2), "Concat", "axis 2 is out of range for rank 2"),
        BadInput.Of<ArgumentNullException>(Area, "Concat with a null tensor",
            () => Tensor.Concat([Ones(2), null!]), "Concat", "tensor 1 of 2 is null", "tensors"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Slice of a reversed range",
            () => Ones(3, 3).Slice(0, 2, 1), "Slice", "[2, 1) is not a range within dimension 0 of [3, 3] (size 3)"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Slice past the end",
            () => Ones(3, 3).Slice(1, 0, 4), "Slice", "[0, 4)", "dimension 1 of [3, 3]"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Narrow with a negative length",
            () => Ones(3, 3).Narrow(0, 0, -1), "Narrow", "start 0 and length -1", "dimension 0 of [3, 3] (size 3)"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Narrow past the end",
            () => Ones(3, 3).Narrow(1, 2, 2), "Narrow", "start 2 and length 2", "size 3"),

        // Custom ops (Tape.Function)
        BadInput.Of<InvalidOperationException>(Area, "Tape.Function whose forward returns null",
            () => Tape.Function("Twice", [Ones(2).RequireGrad()], _ => null!, (_, _) => { }), "Tape.Function \"Twice\"", "forward returned null"),
        BadInput.Of<ArgumentNullException>(Area, "Tape.Function with a null input",
            () => Tape.Function("Twice", [Ones(2), null!], xs => xs[0] * 2, (_, _) => { }), "Tape.Function \"Twice\"", "input 1 of 2 is null", "inputs"),
        BadInput.Of<ArgumentNullException>(Area, "Tape.Function without a backward rule",
            () => Tape.Function("Twice", [Ones(2)], xs => xs[0] * 2, null!), "backward"),
    ];
}
