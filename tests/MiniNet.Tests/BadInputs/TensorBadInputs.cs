namespace MiniNet.Tests.BadInputs;

/// <summary>Creating, reading and changing tensors.</summary>
internal static class TensorBadInputs
{
    private const string Area = "Tensors";

    /// <summary>A fresh [2, 3] float32 tensor of ones.</summary>
    private static Tensor X() => Tensor.Ones([2, 3]);

    /// <summary>A fresh [2, 3] float32 leaf that requires grad.</summary>
    private static Tensor Parameter() => Tensor.Ones([2, 3]).RequireGrad();

    public static IEnumerable<BadInput> Rows() =>
    [
        // Creation
        BadInput.Of<ArgumentNullException>(Area, "FromArray of a null float[]", () => Tensor.FromArray((float[])null!), "data"),
        BadInput.Of<ArgumentNullException>(Area, "FromArray of a null double[]", () => Tensor.FromArray((double[])null!), "data"),
        BadInput.Of<ArgumentNullException>(Area, "FromArray of a null float[,]", () => Tensor.FromArray((float[,])null!), "data"),
        BadInput.Of<ArgumentNullException>(Area, "FromArray of a null array with a shape", () => Tensor.FromArray((float[])null!, [2, 3]), "data"),
        BadInput.Of<ArgumentException>(Area, "FromArray with too few values for the shape",
            () => Tensor.FromArray(new float[5], [2, 3]), "FromArray", "5 values", "[2, 3]", "holds 6"),
        BadInput.Of<ArgumentException>(Area, "FromArray with too many values for the shape",
            () => Tensor.FromArray(new double[7], [2, 3]), "FromArray", "7 values", "[2, 3]", "holds 6"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Zeros of an unknown dtype",
            () => Tensor.Zeros([2], (DType)7), "dtype 7 is not a DType", "Float32 or Float64"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Full of an unknown dtype",
            () => Tensor.Full([2], 1, (DType)(-1)), "dtype -1 is not a DType", "Float32 or Float64"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "To an unknown dtype",
            () => X().To((DType)2), "dtype 2 is not a DType"),
        BadInput.Of<ArgumentNullException>(Area, "ZerosLike of null", () => Tensor.ZerosLike(null!), "like"),
        BadInput.Of<ArgumentNullException>(Area, "OnesLike of null", () => Tensor.OnesLike(null!), "like"),
        BadInput.Of<ArgumentException>(Area, "Arange with a zero step",
            () => Tensor.Arange(0, 1, 0), "Arange", "step 0", "non-zero"),
        BadInput.Of<ArgumentException>(Area, "Arange with a NaN end",
            () => Tensor.Arange(0, double.NaN), "Arange", "end NaN", "finite"),
        BadInput.Of<ArgumentException>(Area, "Arange with an infinite step",
            () => Tensor.Arange(0, 1, double.PositiveInfinity), "Arange", "step Infinity", "finite"),
        BadInput.Of<ArgumentException>(Area, "Arange with more values than an array holds",
            () => Tensor.Arange(0, 1e12), "Arange", "1000000000000 values", "2,147,483,591"),
        BadInput.Of<ArgumentException>(Area, "Uniform with low above high",
            () => Tensor.Uniform([2], 1, 0, new Generator(1)), "Uniform", "[1, 0)", "low ≤ high"),
        BadInput.Of<ArgumentException>(Area, "Uniform with a NaN bound",
            () => Tensor.Uniform([2], double.NaN, 1, new Generator(1)), "Uniform", "[NaN, 1)", "finite"),
        BadInput.Of<ArgumentException>(Area, "Uniform with an infinite bound",
            () => Tensor.Uniform([2], 0, double.PositiveInfinity, new Generator(1)), "Uniform", "Infinity", "finite"),
        BadInput.Of<ArgumentNullException>(Area, "Uniform without a generator",
            () => Tensor.Uniform([2], 0, 1, null!), "generator"),
        BadInput.Of<ArgumentException>(Area, "Normal with a negative standard deviation",
            () => Tensor.Normal([2], 0, -1, new Generator(1)), "Normal", "standard deviation -1", "≥ 0"),
        BadInput.Of<ArgumentException>(Area, "Normal with a NaN mean",
            () => Tensor.Normal([2], double.NaN, 1, new Generator(1)), "Normal", "mean NaN", "finite"),
        BadInput.Of<ArgumentNullException>(Area, "Normal without a generator",
            () => Tensor.Normal([2], 0, 1, null!), "generator"),

        // Reading
        BadInput.Of<InvalidOperationException>(Area, "Item of a tensor of several elements",
            () => X().Item(), "Item", "[2, 3]", "6 elements", "exactly one", "At(index)"),
        BadInput.Of<InvalidOperationException>(Area, "Item of an empty tensor",
            () => Tensor.Zeros([0]).Item(), "Item", "[0]", "0 elements"),
        BadInput.Of<ArgumentException>(Area, "At with too few indices",
            () => X().At(1), "At", "1 indices", "[2, 3]", "rank 2"),
        BadInput.Of<ArgumentException>(Area, "At with an index past the end",
            () => X().At(1, 3), "At", "index 3", "dimension 1 of size 3", "[2, 3]"),
        BadInput.Of<ArgumentException>(Area, "At with a negative index before the start",
            () => X().At(-3, 0), "At", "index -3", "dimension 0 of size 2"),
        BadInput.Of<ArgumentNullException>(Area, "At with a null index array", () => X().At(null!), "index"),
        BadInput.Of<InvalidOperationException>(Area, "ToArray of the other float type",
            () => X().ToArray<double>(), "ToArray<Double>", "Float32", "float", "To(DType.Float64)"),
        BadInput.Of<InvalidOperationException>(Area, "ToArray of a non-float type",
            () => X().ToArray<int>(), "ToArray<Int32>", "float or double"),
        BadInput.Of<InvalidOperationException>(Area, "AsReadOnlySpan of the other float type",
            () => { _ = Tensor.Ones([2], DType.Float64).AsReadOnlySpan<float>(); }, "AsReadOnlySpan<Single>", "Float64", "double"),

        // Autograd state
        BadInput.Of<ArgumentException>(Area, "Grad of another shape",
            () => Parameter().Grad = Tensor.Zeros([3]), "Grad", "expected [2, 3] Float32", "got [3] Float32"),
        BadInput.Of<ArgumentException>(Area, "Grad of another dtype",
            () => Parameter().Grad = Tensor.Zeros([2, 3], DType.Float64), "Grad", "expected [2, 3] Float32", "got [2, 3] Float64"),
        BadInput.Of<InvalidOperationException>(Area, "RequiresGrad set on a result",
            () => (Parameter() * 2).RequiresGrad = false, "RequiresGrad", "leaf", "produced by Mul", "Detach()"),
        BadInput.Of<InvalidOperationException>(Area, "RetainGrad on a tensor that does not require grad",
            () => X().RetainGrad(), "RetainGrad", "does not require grad"),

        // In-place changes
        BadInput.Of<InvalidOperationException>(Area, "Fill on a parameter while recording",
            () => Parameter().Fill(0), "Fill", "requires grad ([2, 3])", "not differentiable", "Tape.NoGrad()"),
        BadInput.Of<InvalidOperationException>(Area, "MulInPlace on a parameter while recording",
            () => Parameter().MulInPlace(2), "MulInPlace", "requires grad", "Tape.NoGrad()"),
        BadInput.Of<ArgumentException>(Area, "CopyFrom a tensor of another shape",
            () => X().CopyFrom(Tensor.Ones([3, 2])), "CopyFrom", "expected [2, 3] Float32", "got [3, 2] Float32"),
        BadInput.Of<ArgumentException>(Area, "CopyFrom a tensor of another dtype",
            () => X().CopyFrom(Tensor.Ones([2, 3], DType.Float64)), "CopyFrom", "expected [2, 3] Float32", "got [2, 3] Float64"),
        BadInput.Of<ArgumentNullException>(Area, "CopyFrom null", () => X().CopyFrom(null!), "source"),
        BadInput.Of<ArgumentException>(Area, "AddInPlace of another dtype",
            () => X().AddInPlace(Tensor.Ones([3], DType.Float64)), "AddInPlace", "dtypes differ", "Float32", "Float64"),
        BadInput.Of<ArgumentException>(Area, "AddInPlace of a tensor that does not broadcast",
            () => X().AddInPlace(Tensor.Ones([2])), "AddInPlace", "cannot broadcast [2, 3] with [2]"),
        BadInput.Of<ArgumentException>(Area, "AddInPlace of a tensor that would grow this one",
            () => X().AddInPlace(Tensor.Ones([4, 2, 3])), "AddInPlace", "[4, 2, 3] does not broadcast to this tensor's shape [2, 3]"),
        BadInput.Of<ArgumentNullException>(Area, "AddInPlace of null", () => X().AddInPlace(null!), "other"),
    ];
}
