namespace MiniNet.Tests.BadInputs;

/// <summary>The fused heads and losses, and the head linters that explain what each head cannot mean.</summary>
internal static class HeadBadInputs
{
    private const string Area = "Heads";

    /// <summary>Zero float32 logits of the given shape.</summary>
    private static Tensor Logits(params int[] shape) => Tensor.Zeros(shape);

    /// <summary>A float32 tensor from rows of values.</summary>
    private static Tensor Rows(float[,] values) => Tensor.FromArray(values);

    private static Tensor Vector(params float[] values) => Tensor.FromArray(values);

    public static IEnumerable<BadInput> Rows() =>
    [
        // Softmax cross-entropy: logits
        BadInput.Of<ArgumentException>(Area, "softmax of scalar logits",
            () => Losses.SoftmaxCrossEntropy(Tensor.Scalar(0), [0]), "SoftmaxCrossEntropy", "logits are a scalar", "[N, C]"),
        BadInput.Of<ArgumentException>(Area, "softmax of a single class",
            () => Losses.SoftmaxCrossEntropy(Logits(3, 1), [0, 0, 0]), "SoftmaxCrossEntropy", "[3, 1] have a single class",
            "Losses.SigmoidBinaryCrossEntropy", "at least 2"),
        BadInput.Of<ArgumentException>(Area, "softmax of no classes",
            () => Losses.SoftmaxCrossEntropy(Logits(3, 0), [0, 0, 0]), "SoftmaxCrossEntropy", "[3, 0] have no classes", "class axis 1 is empty"),
        BadInput.Of<ArgumentNullException>(Area, "softmax of null logits", () => Losses.SoftmaxCrossEntropy(null!, [0]), "logits"),

        // Softmax cross-entropy: class-index targets
        BadInput.Of<ArgumentException>(Area, "softmax label past the last class",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 5]), "SoftmaxCrossEntropy", "row 1 has label 5", "3 classes", "labels 0 to 2"),
        BadInput.Of<ArgumentException>(Area, "softmax negative label that is not ignoreIndex",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), [-1, 0]), "SoftmaxCrossEntropy", "row 0 has label -1", "ignoreIndex -100"),
        BadInput.Of<ArgumentException>(Area, "softmax label out of range in [N, C, d] logits",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3, 2), [0, 1, 7, 2]), "SoftmaxCrossEntropy", "row [1, 0] has label 7"),
        BadInput.Of<ArgumentException>(Area, "softmax with fewer labels than rows",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0]), "SoftmaxCrossEntropy", "1 labels for logits of shape [2, 3]", "2 rows", "one class index per row"),
        BadInput.Of<ArgumentNullException>(Area, "softmax of null labels", () => Losses.SoftmaxCrossEntropy(Logits(2, 3), (int[])null!), "targets"),
        BadInput.Of<ArgumentException>(Area, "softmax tensor labels that are not whole numbers",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Vector(0, 1.5f)), "SoftmaxCrossEntropy", "element [1] is 1.5", "not a whole number"),
        BadInput.Of<ArgumentException>(Area, "softmax tensor labels holding NaN",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Vector(float.NaN, 1)), "SoftmaxCrossEntropy", "element [0] is NaN"),
        BadInput.Of<ArgumentException>(Area, "softmax tensor labels that require grad",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Vector(0, 1).RequireGrad()), "SoftmaxCrossEntropy", "class indices, which have no gradient",
            "targets.Detach()"),
        BadInput.Of<ArgumentException>(Area, "softmax targets of neither accepted shape",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Vector(0, 1, 2)), "SoftmaxCrossEntropy", "targets of shape [3]",
            "neither as class indices (expected [2])", "nor as probabilities (expected [2, 3])"),
        BadInput.Of<ArgumentException>(Area, "softmax targets of another dtype",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Tensor.Zeros([2], DType.Float64)), "SoftmaxCrossEntropy",
            "targets are Float64 but the logits Float32", "To(DType.Float32)"),

        // Softmax cross-entropy: probability targets
        BadInput.Of<ArgumentException>(Area, "softmax probability row with a negative entry",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Rows(new float[,] { { 0.5f, -0.5f, 1 }, { 1, 0, 0 } })), "SoftmaxCrossEntropy",
            "row 0 of the probability targets is -0.5 at class 1", "≥ 0"),
        BadInput.Of<ArgumentException>(Area, "softmax probability row holding NaN",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Rows(new float[,] { { 1, 0, 0 }, { float.NaN, 0, 1 } })), "SoftmaxCrossEntropy",
            "row 1 of the probability targets is NaN at class 0"),
        BadInput.Of<ArgumentException>(Area, "softmax multi-hot targets",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Rows(new float[,] { { 1, 1, 0 }, { 1, 0, 0 } })), "SoftmaxCrossEntropy",
            "row 0 of the targets has 2 classes set to 1 (multi-label)", "Losses.SigmoidBinaryCrossEntropy"),
        BadInput.Of<ArgumentException>(Area, "softmax probability row that does not sum to 1",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Rows(new float[,] { { 1, 0, 0 }, { 0.25f, 0.25f, 0 } })), "SoftmaxCrossEntropy",
            "row 1 of the probability targets sums to 0.5, not 1", "distribution"),
        BadInput.Of<ArgumentException>(Area, "softmax ignoreIndex with probability targets",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Rows(new float[,] { { 1, 0, 0 }, { 0, 1, 0 } }), ignoreIndex: 0), "SoftmaxCrossEntropy",
            "ignoreIndex 0 applies to class-index targets only", "Reduction.None"),

        // Softmax cross-entropy: options
        BadInput.Of<ArgumentOutOfRangeException>(Area, "softmax label smoothing above 1",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 1], labelSmoothing: 1.5), "SoftmaxCrossEntropy", "labelSmoothing is 1.5", "[0, 1]"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "softmax NaN label smoothing",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 1], labelSmoothing: double.NaN), "SoftmaxCrossEntropy", "labelSmoothing is NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "softmax unknown reduction",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 1], reduction: (Reduction)99), "SoftmaxCrossEntropy",
            "reduction 99 is not a Reduction", "Mean, Sum or None"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "softmax unknown reduction with tensor targets",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Vector(0, 1), reduction: (Reduction)(-1)), "SoftmaxCrossEntropy", "reduction -1 is not a Reduction"),
        BadInput.Of<ArgumentException>(Area, "softmax class weights of the wrong length",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 1], weight: Vector(1, 1)), "SoftmaxCrossEntropy", "weight has shape [2]",
            "expected [3]", "one weight per class of the logits [2, 3]"),
        BadInput.Of<ArgumentException>(Area, "softmax class weights of another dtype",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 1], weight: Tensor.Ones([3], DType.Float64)), "SoftmaxCrossEntropy",
            "weight is Float64 but the logits Float32"),
        BadInput.Of<ArgumentException>(Area, "softmax class weights that require grad",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 1], weight: Vector(1, 1, 1).RequireGrad()), "SoftmaxCrossEntropy",
            "weight requires grad", "weight.Detach()"),
        BadInput.Of<ArgumentException>(Area, "softmax class weight that is NaN",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), [0, 1], weight: Vector(1, float.NaN, 1)), "SoftmaxCrossEntropy",
            "weight of class 1 is NaN", "finite", "negative ones are allowed"),
        BadInput.Of<ArgumentException>(Area, "softmax class weight that is infinite",
            () => Losses.SoftmaxCrossEntropy(Logits(2, 3), Vector(0, 1), weight: Vector(float.NegativeInfinity, 1, 1)), "SoftmaxCrossEntropy",
            "weight of class 0 is -Infinity"),

        // Softmax head
        BadInput.Of<ArgumentOutOfRangeException>(Area, "SoftmaxHead with negative label smoothing",
            () => new SoftmaxHead(labelSmoothing: -0.1), "SoftmaxHead", "labelSmoothing is -0.1", "[0, 1]"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "SoftmaxHead with an unknown reduction",
            () => new SoftmaxHead(reduction: (Reduction)99), "SoftmaxHead", "reduction 99 is not a Reduction"),
        BadInput.Of<ArgumentException>(Area, "SoftmaxHead loss with a NaN class weight",
            () => new SoftmaxHead(weight: Vector(float.NaN, 1, 1)).Loss(Logits(2, 3), [0, 1]), "SoftmaxCrossEntropy", "weight of class 0 is NaN"),
        BadInput.Of<ArgumentException>(Area, "SoftmaxHead.Predict of scalar logits",
            () => new SoftmaxHead().Predict(Tensor.Scalar(1)), "SoftmaxHead.Predict", "logits are a scalar"),
        BadInput.Of<ArgumentException>(Area, "SoftmaxHead.Probabilities of a single class",
            () => new SoftmaxHead().Probabilities(Logits(4, 1)), "SoftmaxHead.Probabilities", "[4, 1] have a single class"),

        // Sigmoid binary cross-entropy: targets
        BadInput.Of<ArgumentException>(Area, "sigmoid targets of another shape",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Logits(3, 2)), "SigmoidBinaryCrossEntropy",
            "targets of shape [3, 2] for logits of shape [2, 3]", "exactly the logits' shape"),
        BadInput.Of<ArgumentException>(Area, "sigmoid given class indices, one per row",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Vector(0, 2)), "SigmoidBinaryCrossEntropy",
            "look like class indices, one per row", "Losses.SoftmaxCrossEntropy"),
        BadInput.Of<ArgumentException>(Area, "sigmoid of [N, 1] logits with [N] targets",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 1), Vector(0, 1)), "SigmoidBinaryCrossEntropy",
            "one target per logit, of shape [2, 1]", "targets.Unsqueeze(-1)", "logits.Squeeze(-1)"),
        BadInput.Of<ArgumentException>(Area, "sigmoid targets of another shape that look like class indices",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Vector(0, 1, 2, 5)), "SigmoidBinaryCrossEntropy",
            "look like class indices (whole numbers up to 5)"),
        BadInput.Of<ArgumentException>(Area, "sigmoid target above 1",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Rows(new float[,] { { 0, 2, 0 }, { 1, 0, 1 } })), "SigmoidBinaryCrossEntropy",
            "element [0, 1] of the targets is 2, outside [0, 1]", "looks like a class index"),
        BadInput.Of<ArgumentException>(Area, "sigmoid negative target",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Rows(new float[,] { { 0, 0, 0 }, { 1, -0.5f, 1 } })), "SigmoidBinaryCrossEntropy",
            "element [1, 1] of the targets is -0.5, outside [0, 1]", "soft labels"),
        BadInput.Of<ArgumentException>(Area, "sigmoid NaN target",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Rows(new float[,] { { 0, 0, 0 }, { 1, 0, float.NaN } })), "SigmoidBinaryCrossEntropy",
            "element [1, 2] of the targets is NaN", "probability in [0, 1]"),
        BadInput.Of<ArgumentException>(Area, "sigmoid targets of another dtype",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Tensor.Zeros([2, 3], DType.Float64)), "SigmoidBinaryCrossEntropy",
            "targets are Float64 but the logits Float32"),
        BadInput.Of<ArgumentNullException>(Area, "sigmoid of null targets", () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), null!), "targets"),

        // Sigmoid binary cross-entropy: weights and reduction
        BadInput.Of<ArgumentException>(Area, "sigmoid weight that does not broadcast",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Logits(2, 3), weight: Vector(1, 1, 1, 1)), "SigmoidBinaryCrossEntropy",
            "weight of shape [4] does not broadcast to the logits' shape [2, 3]"),
        BadInput.Of<ArgumentException>(Area, "sigmoid posWeight that does not broadcast",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Logits(2, 3), posWeight: Vector(1, 1)), "SigmoidBinaryCrossEntropy",
            "posWeight of shape [2] does not broadcast", "one per class, [3]"),
        BadInput.Of<ArgumentException>(Area, "sigmoid weight of another dtype",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Logits(2, 3), weight: Tensor.Ones([3], DType.Float64)), "SigmoidBinaryCrossEntropy",
            "weight is Float64 but the logits Float32"),
        BadInput.Of<ArgumentException>(Area, "sigmoid weight that requires grad",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Logits(2, 3), weight: Vector(1, 1, 1).RequireGrad()), "SigmoidBinaryCrossEntropy",
            "weight requires grad", "weight.Detach()"),
        BadInput.Of<ArgumentException>(Area, "sigmoid posWeight that is NaN",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Logits(2, 3), posWeight: Vector(1, float.NaN, 1)), "SigmoidBinaryCrossEntropy",
            "posWeight is NaN at class 1", "finite", "negative ones are allowed"),
        BadInput.Of<ArgumentException>(Area, "sigmoid posWeight that is infinite",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Logits(2, 3), posWeight: Vector(float.PositiveInfinity, 1, 1)), "SigmoidBinaryCrossEntropy",
            "posWeight is Infinity at class 0"),
        BadInput.Of<ArgumentException>(Area, "sigmoid per-element weight that is NaN",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Logits(2, 3), weight: Rows(new float[,] { { 1, 1, 1 }, { 1, 1, float.NaN } })),
            "SigmoidBinaryCrossEntropy", "weight is NaN at element [1, 2]"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "sigmoid unknown reduction",
            () => Losses.SigmoidBinaryCrossEntropy(Logits(2, 3), Logits(2, 3), reduction: (Reduction)99), "SigmoidBinaryCrossEntropy",
            "reduction 99 is not a Reduction", "Mean, Sum or None"),

        // Sigmoid head
        BadInput.Of<ArgumentOutOfRangeException>(Area, "SigmoidHead with an unknown reduction",
            () => new SigmoidHead(reduction: (Reduction)3), "SigmoidHead", "reduction 3 is not a Reduction"),
        BadInput.Of<ArgumentException>(Area, "SigmoidHead loss with an infinite posWeight",
            () => new SigmoidHead(posWeight: Vector(1, 1, float.NegativeInfinity)).Loss(Logits(2, 3), Logits(2, 3)), "SigmoidBinaryCrossEntropy",
            "posWeight is -Infinity at class 2"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "SigmoidHead.Predict with a threshold above 1",
            () => new SigmoidHead().Predict(Logits(2, 3), threshold: 1.5), "SigmoidHead.Predict", "threshold 1.5 is not a probability", "[0, 1]"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "SigmoidHead.Predict with a NaN threshold",
            () => new SigmoidHead().Predict(Logits(2, 3), threshold: double.NaN), "SigmoidHead.Predict", "threshold NaN is not a probability"),
        BadInput.Of<ArgumentException>(Area, "SigmoidHead.Predict with a threshold per class missing",
            () => new SigmoidHead().Predict(Logits(2, 3), [0.5, 0.5]), "SigmoidHead.Predict", "2 thresholds for logits of shape [2, 3]", "one per class (3"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "SigmoidHead.Predict with a negative class threshold",
            () => new SigmoidHead().Predict(Logits(2, 3), [0.5, -0.1, 0.5]), "SigmoidHead.Predict", "threshold -0.1 is not a probability"),

        // Mean squared error
        BadInput.Of<ArgumentException>(Area, "MeanSquaredError of shapes that differ",
            () => Losses.MeanSquaredError(Logits(2, 3), Logits(3)), "MeanSquaredError", "input is [2, 3] Float32 but the target [3] Float32", "must match"),
        BadInput.Of<ArgumentException>(Area, "MeanSquaredError of dtypes that differ",
            () => Losses.MeanSquaredError(Logits(3), Tensor.Zeros([3], DType.Float64)), "MeanSquaredError", "[3] Float32", "[3] Float64"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "MeanSquaredError unknown reduction",
            () => Losses.MeanSquaredError(Logits(3), Logits(3), (Reduction)99), "MeanSquaredError", "reduction 99 is not a Reduction"),
    ];
}
