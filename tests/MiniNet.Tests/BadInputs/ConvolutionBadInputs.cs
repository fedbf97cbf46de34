using MiniNet.Layers;

namespace MiniNet.Tests.BadInputs;

/// <summary>The convolution op and layer, and their hyperparameters.</summary>
internal static class ConvolutionBadInputs
{
    private const string Area = "Convolution";

    private static Tensor Zeros(params int[] shape) => Tensor.Zeros(shape);

    public static IEnumerable<BadInput> Rows() =>
    [
        // Tensor.Conv2d
        BadInput.Of<ArgumentException>(Area, "Conv2d of a matrix",
            () => Tensor.Conv2d(Zeros(5, 5), Zeros(1, 1, 3, 3)), "Conv2d", "expected input [N, C, H, W] or [C, H, W]", "got [5, 5]"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with a 3-d weight",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Zeros(1, 3, 3)), "Conv2d", "weight must be [out, in/groups, kH, kW]", "got [1, 3, 3]"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with the wrong input channels",
            () => Tensor.Conv2d(Zeros(2, 3, 5, 5), Zeros(4, 2, 3, 3)), "Conv2d", "weight [4, 2, 3, 3] expects 2 input channels", "input [2, 3, 5, 5] has 3"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with channels not divisible by groups",
            () => Tensor.Conv2d(Zeros(1, 3, 5, 5), Zeros(4, 1, 3, 3), groups: 2), "Conv2d", "input channels 3 and output channels 4", "divisible by groups 2"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with output channels not divisible by groups",
            () => Tensor.Conv2d(Zeros(1, 4, 5, 5), Zeros(3, 2, 3, 3), groups: 2), "Conv2d", "output channels 3", "divisible by groups 2"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with zero groups",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Zeros(1, 1, 3, 3), groups: 0), "Conv2d", "groups must be positive", "got 0"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with a bias of the wrong size",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Zeros(2, 1, 3, 3), Zeros(3)), "Conv2d", "bias must be [2]", "got [3]"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with a zero stride",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Zeros(1, 1, 3, 3), stride: (1, 0)), "Conv2d", "stride must be positive", "got (1, 0)"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with a negative dilation",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Zeros(1, 1, 3, 3), dilation: -1), "Conv2d", "dilation must be positive", "got (-1, -1)"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Conv2d with a negative padding",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Zeros(1, 1, 3, 3), padding: (0, -1)), "Conv2d", "padding must not be negative", "got (0, -1)"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with an unknown padding mode",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Zeros(1, 1, 3, 3), padding: "full"), "Conv2d", "\"same\" or \"valid\"", "got \"full\""),
        BadInput.Of<ArgumentException>(Area, "Conv2d with same padding and a stride",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Zeros(1, 1, 3, 3), stride: 2, padding: "same"), "Conv2d", "padding \"same\" needs stride 1", "got stride (2, 2)"),
        BadInput.Of<ArgumentException>(Area, "Conv2d of an image smaller than the dilated kernel",
            () => Tensor.Conv2d(Zeros(1, 1, 4, 9), Zeros(1, 1, 3, 3), dilation: 2), "Conv2d", "padded input (4 × 9, from [1, 1, 4, 9])", "dilated kernel (5 × 5"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with a weight of another dtype",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Tensor.Zeros([1, 1, 3, 3], DType.Float64)), "Conv2d", "Float32", "Float64"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with a bias of another dtype",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Zeros(1, 1, 3, 3), Tensor.Zeros([1], DType.Float64)), "Conv2d", "Float32", "Float64"),
        BadInput.Of<ArgumentException>(Area, "Conv2d with an empty kernel",
            () => Tensor.Conv2d(Zeros(1, 1, 5, 5), Zeros(1, 1, 0, 3)), "Conv2d", "weight [1, 1, 0, 3] has an empty dimension"),
        BadInput.Of<ArgumentNullException>(Area, "Padding2d of a null mode", () => { Padding2d p = (string)null!; _ = p; }, "mode"),

        // The Conv2d layer
        BadInput.Of<ArgumentException>(Area, "Conv2d layer with zero input channels",
            () => new Conv2d(0, 8, 3), "Conv2d(0, 8)", "channel counts must be positive", "in 0 and out 8"),
        BadInput.Of<ArgumentException>(Area, "Conv2d layer with channels not divisible by groups",
            () => new Conv2d(4, 6, 3, groups: 4), "Conv2d(4, 6)", "divisible by groups 4"),
        BadInput.Of<ArgumentException>(Area, "Conv2d layer with a zero kernel",
            () => new Conv2d(1, 1, (3, 0)), "Conv2d(1, 1)", "kernel size must be positive", "got (3, 0)"),
        BadInput.Of<ArgumentException>(Area, "Conv2d layer with a zero stride",
            () => new Conv2d(1, 1, 3, stride: 0), "Conv2d(1, 1)", "stride must be positive", "got (0, 0)"),
        BadInput.Of<ArgumentException>(Area, "Conv2d layer with a zero dilation",
            () => new Conv2d(1, 1, 3, dilation: (0, 1)), "Conv2d(1, 1)", "dilation must be positive", "got (0, 1)"),
        BadInput.Of<ArgumentException>(Area, "Conv2d layer with same padding and a stride",
            () => new Conv2d(1, 1, 3, stride: (1, 2), padding: "same"), "Conv2d(1, 1)", "padding \"same\" needs stride 1", "got stride (1, 2)"),
        BadInput.Of<ArgumentException>(Area, "Conv2d layer with both a seed and a generator",
            () => new Conv2d(1, 1, 3, seed: 1, generator: new Generator(2)), "Conv2d(1, 1)", "a seed or a generator, not both"),
        BadInput.Of<ArgumentException>(Area, "Conv2d layer input with the wrong channels names its path",
            () => new Sequential(new Conv2d(3, 4, 3, seed: 1)).Forward(Zeros(2, 1, 5, 5)),
            "Sequential[0] Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))", "expected input [N, 3, H, W] or [3, H, W]", "got [2, 1, 5, 5]"),
        BadInput.Of<ArgumentException>(Area, "Conv2d layer input of rank 2",
            () => new Conv2d(1, 4, 3, seed: 1).Forward(Zeros(5, 5)), "Conv2d(1, 4", "expected input [N, 1, H, W]", "got [5, 5]"),
        BadInput.Of<ArgumentException>(Area, "Conv2d layer input smaller than the kernel names its path",
            () => new Sequential(new Conv2d(1, 4, 5, seed: 1)).Forward(Zeros(2, 1, 4, 6)),
            "Sequential[0] Conv2d(1, 4, kernel_size=(5, 5)", "padded input (4 × 6, from [2, 1, 4, 6])", "dilated kernel (5 × 5"),
        BadInput.Of<ArgumentException>(Area, "Conv2d layer input of another dtype",
            () => new Conv2d(1, 4, 3, seed: 1).Forward(Tensor.Zeros([1, 1, 5, 5], DType.Float64)), "Conv2d(1, 4", "input is Float64", "parameters are Float32"),
        BadInput.Of<ArgumentNullException>(Area, "Conv2d layer of a null input", () => new Conv2d(1, 4, 3, seed: 1).Forward(null!), "input"),
    ];
}
