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

        // Tensor.BatchNorm
        BadInput.Of<ArgumentException>(Area, "BatchNorm of a vector",
            () => Tensor.BatchNorm(Zeros(4), null, null, training: true), "BatchNorm", "at least two dimensions", "got [4]"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm training on one value per channel",
            () => Tensor.BatchNorm(Zeros(1, 3), null, null, training: true), "BatchNorm", "expected more than 1 value per channel when training", "got input [1, 3]"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm evaluating without running statistics",
            () => Tensor.BatchNorm(Zeros(2, 3), null, null), "BatchNorm", "evaluation (training: false)", "none were given"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm with a running mean but no running variance",
            () => Tensor.BatchNorm(Zeros(2, 3), Zeros(3), null), "BatchNorm", "running mean is given without the running variance"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm with a running mean of the wrong size",
            () => Tensor.BatchNorm(Zeros(2, 3, 4), Zeros(4), Zeros(3)), "BatchNorm", "running mean must be [3]", "input [2, 3, 4]", "got [4]"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm with a weight of another dtype",
            () => Tensor.BatchNorm(Zeros(2, 3), null, null, Tensor.Ones([3], DType.Float64), training: true), "BatchNorm", "dtypes differ", "Float32", "Float64"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm with a running variance that requires grad",
            () => Tensor.BatchNorm(Zeros(2, 3), Zeros(3), Tensor.Ones([3]).RequireGrad()), "BatchNorm", "runningVar requires grad", "never differentiated"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "BatchNorm with a momentum above 1",
            () => Tensor.BatchNorm(Zeros(2, 3), null, null, training: true, momentum: 1.5), "BatchNorm", "momentum is 1.5", "[0, 1]"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "BatchNorm with a zero eps",
            () => Tensor.BatchNorm(Zeros(2, 3), null, null, training: true, eps: 0), "BatchNorm", "eps is 0", "expected a positive number"),

        // BatchNorm1d and BatchNorm2d (the layers)
        BadInput.Of<ArgumentOutOfRangeException>(Area, "BatchNorm2d of no channels",
            () => new BatchNorm2d(0), "BatchNorm2d", "numFeatures is 0", "at least 1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "BatchNorm1d with a negative momentum",
            () => new BatchNorm1d(4, momentum: -0.1), "BatchNorm1d", "momentum is -0.1", "or null for a cumulative average"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "BatchNorm2d with a NaN eps",
            () => new BatchNorm2d(4, eps: double.NaN), "BatchNorm2d", "eps is NaN"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm2d given an input of the wrong channel count",
            () => new Sequential(new Conv2d(1, 8, 3, seed: 1), new BatchNorm2d(16)).Forward(Zeros(2, 1, 5, 5)),
            "Sequential[1] BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", "expected input [N, 16, H, W]", "got [2, 8, 3, 3]"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm2d given a matrix",
            () => new BatchNorm2d(3).Forward(Zeros(2, 3)), "BatchNorm2d(3", "expected input [N, 3, H, W]", "got [2, 3]"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm1d given an image",
            () => new BatchNorm1d(3).Forward(Zeros(2, 3, 4, 4)), "BatchNorm1d(3", "expected input [N, 3] or [N, 3, L]", "got [2, 3, 4, 4]"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm1d training on a batch of one row",
            () => new Sequential(new Dense(3, 4, seed: 1), new BatchNorm1d(4)).Forward(Zeros(1, 3)),
            "Sequential[1] BatchNorm1d(4", "expected more than 1 value per channel when training", "got input [1, 4]", "Eval()"),
        BadInput.Of<ArgumentException>(Area, "BatchNorm2d given an input of another dtype",
            () => new BatchNorm2d(3).Forward(Tensor.Zeros([2, 3, 2, 2], DType.Float64)), "BatchNorm2d(3", "the input is Float64 but the layer's tensors are Float32"),
    ];
}
