using MiniNet.Layers;

namespace MiniNet.Tests.BadInputs;

/// <summary>The normalisation ops and layers, and their hyperparameters.</summary>
internal static class NormalizationBadInputs
{
    private const string Area = "Normalization";

    private static Tensor Zeros(params int[] shape) => Tensor.Zeros(shape);

    public static IEnumerable<BadInput> Rows() =>
    [
        // Tensor.LayerNorm
        BadInput.Of<ArgumentException>(Area, "LayerNorm over dimensions the input does not end with",
            () => Tensor.LayerNorm(Zeros(2, 3, 4), [3]), "LayerNorm", "expected input [*, 3] for normalizedShape [3]", "got [2, 3, 4]"),
        BadInput.Of<ArgumentException>(Area, "LayerNorm over more dimensions than the input has",
            () => Tensor.LayerNorm(Zeros(4), [2, 4]), "LayerNorm", "expected input [*, 2, 4]", "got [4]"),
        BadInput.Of<ArgumentException>(Area, "LayerNorm over no dimensions",
            () => Tensor.LayerNorm(Zeros(2, 3), []), "LayerNorm", "normalizedShape must have at least one dimension", "got []"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LayerNorm with a zero eps",
            () => Tensor.LayerNorm(Zeros(2, 3), [3], eps: 0), "LayerNorm", "eps is 0", "expected a positive number"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LayerNorm with a NaN eps",
            () => Tensor.LayerNorm(Zeros(2, 3), [3], eps: double.NaN), "LayerNorm", "eps is NaN", "expected a positive number"),
        BadInput.Of<ArgumentException>(Area, "LayerNorm with a weight of the wrong shape",
            () => Tensor.LayerNorm(Zeros(2, 3), [3], Zeros(2)), "LayerNorm", "weight must be of normalizedShape [3]", "got [2]"),
        BadInput.Of<ArgumentException>(Area, "LayerNorm with a bias of the wrong shape",
            () => Tensor.LayerNorm(Zeros(2, 2, 3), [2, 3], Zeros(2, 3), Zeros(6)), "LayerNorm", "bias must be of normalizedShape [2, 3]", "got [6]"),
        BadInput.Of<ArgumentException>(Area, "LayerNorm with a weight of another dtype",
            () => Tensor.LayerNorm(Zeros(2, 3), [3], Tensor.Ones([3], DType.Float64)), "LayerNorm", "dtypes differ", "Float32", "Float64"),

        // LayerNorm (the layer)
        BadInput.Of<ArgumentException>(Area, "LayerNorm layer over no dimensions",
            () => new LayerNorm(Array.Empty<int>()), "LayerNorm", "at least one dimension", "got []"),
        BadInput.Of<ArgumentException>(Area, "LayerNorm layer with a zero dimension",
            () => new LayerNorm([4, 0]), "LayerNorm", "dimensions must be positive", "got [4, 0]"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LayerNorm layer with a negative eps",
            () => new LayerNorm(4, eps: -1e-5), "LayerNorm", "eps is -", "expected a positive number"),
        BadInput.Of<ArgumentException>(Area, "LayerNorm layer given an input of the wrong trailing size",
            () => new Sequential(new Dense(3, 5, seed: 1), new LayerNorm(4)).Forward(Zeros(2, 3)),
            "Sequential[1] LayerNorm((4,), eps=1e-05, elementwise_affine=True)", "expected input [*, 4]", "got [2, 5]"),
        BadInput.Of<ArgumentException>(Area, "LayerNorm layer given an input of another dtype",
            () => new LayerNorm(3).Forward(Tensor.Zeros([2, 3], DType.Float64)), "LayerNorm((3,)", "the input is Float64 but the parameters are Float32"),
    ];
}
