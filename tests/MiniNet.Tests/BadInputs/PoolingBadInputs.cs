using MiniNet.Layers;

namespace MiniNet.Tests.BadInputs;

/// <summary>The pooling ops and layers, and their hyperparameters.</summary>
internal static class PoolingBadInputs
{
    private const string Area = "Pooling";

    private static Tensor Zeros(params int[] shape) => Tensor.Zeros(shape);

    public static IEnumerable<BadInput> Rows() =>
    [
        // Tensor.MaxPool2d
        BadInput.Of<ArgumentException>(Area, "MaxPool2d of a matrix",
            () => Zeros(5, 5).MaxPool2d(2), "MaxPool2d", "expected input [N, C, H, W] or [C, H, W]", "got [5, 5]"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d of a 5-d tensor",
            () => Zeros(1, 1, 1, 5, 5).MaxPool2d(2), "MaxPool2d", "expected input [N, C, H, W] or [C, H, W]", "got [1, 1, 1, 5, 5]"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d with a zero kernel",
            () => Zeros(1, 1, 5, 5).MaxPool2d((2, 0)), "MaxPool2d", "kernel size must be positive", "got (2, 0)"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d with a negative stride",
            () => Zeros(1, 1, 5, 5).MaxPool2d(2, stride: -1), "MaxPool2d", "stride must be positive", "got (-1, -1)"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d with a zero dilation",
            () => Zeros(1, 1, 5, 5).MaxPool2d(2, dilation: (1, 0)), "MaxPool2d", "dilation must be positive", "got (1, 0)"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d with padding over half the kernel",
            () => Zeros(1, 1, 5, 5).MaxPool2d(3, padding: (1, 2)), "MaxPool2d", "padding must be between 0 and half the kernel size (3, 3)", "got (1, 2)"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d with a negative padding",
            () => Zeros(1, 1, 5, 5).MaxPool2d(3, padding: -1), "MaxPool2d", "padding must be between 0 and half", "got (-1, -1)"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d of an image smaller than the window",
            () => Zeros(2, 3, 4, 9).MaxPool2d(3, dilation: 2), "MaxPool2d", "input [2, 3, 4, 9] is too small for kernel size (3, 3)", "output would be 0 × 2"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d of an empty image",
            () => Zeros(1, 0, 5).MaxPool2d(1), "MaxPool2d", "input [1, 0, 5] is too small", "0 × 5"),

        // Tensor.AvgPool2d
        BadInput.Of<ArgumentException>(Area, "AvgPool2d of a vector",
            () => Zeros(5).AvgPool2d(2), "AvgPool2d", "expected input [N, C, H, W] or [C, H, W]", "got [5]"),
        BadInput.Of<ArgumentException>(Area, "AvgPool2d with a zero kernel",
            () => Zeros(1, 5, 5).AvgPool2d(0), "AvgPool2d", "kernel size must be positive", "got (0, 0)"),
        BadInput.Of<ArgumentException>(Area, "AvgPool2d with a zero stride",
            () => Zeros(1, 5, 5).AvgPool2d(2, stride: (0, 1)), "AvgPool2d", "stride must be positive", "got (0, 1)"),
        BadInput.Of<ArgumentException>(Area, "AvgPool2d with padding over half the kernel",
            () => Zeros(1, 5, 5).AvgPool2d(2, padding: 2), "AvgPool2d", "half the kernel size (2, 2)", "got (2, 2)"),
        BadInput.Of<ArgumentException>(Area, "AvgPool2d of an image smaller than the window",
            () => Zeros(1, 2, 2).AvgPool2d((3, 2)), "AvgPool2d", "input [1, 2, 2] is too small for kernel size (3, 2)", "output would be 0 × 1"),

        // Tensor.AdaptiveAvgPool2d
        BadInput.Of<ArgumentException>(Area, "AdaptiveAvgPool2d of a matrix",
            () => Zeros(4, 4).AdaptiveAvgPool2d(2), "AdaptiveAvgPool2d", "expected input [N, C, H, W] or [C, H, W]", "got [4, 4]"),
        BadInput.Of<ArgumentException>(Area, "AdaptiveAvgPool2d to a zero output size",
            () => Zeros(1, 4, 4).AdaptiveAvgPool2d((0, 2)), "AdaptiveAvgPool2d", "output size must be positive", "got (0, 2)"),
        BadInput.Of<ArgumentException>(Area, "AdaptiveAvgPool2d of an empty image",
            () => Zeros(1, 3, 0).AdaptiveAvgPool2d(1), "AdaptiveAvgPool2d", "input [1, 3, 0] has an empty image"),

        // The layers
        BadInput.Of<ArgumentException>(Area, "MaxPool2d layer with a zero kernel",
            () => new MaxPool2d(0), "MaxPool2d", "kernel size must be positive", "got (0, 0)"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d layer with padding over half the kernel",
            () => new MaxPool2d(2, padding: 2), "MaxPool2d", "half the kernel size (2, 2)", "got (2, 2)"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d layer with a zero dilation",
            () => new MaxPool2d(2, dilation: 0), "MaxPool2d", "dilation must be positive", "got (0, 0)"),
        BadInput.Of<ArgumentException>(Area, "AvgPool2d layer with a negative stride",
            () => new AvgPool2d(2, stride: (1, -2)), "AvgPool2d", "stride must be positive", "got (1, -2)"),
        BadInput.Of<ArgumentException>(Area, "AdaptiveAvgPool2d layer with a zero output size",
            () => new AdaptiveAvgPool2d(0), "AdaptiveAvgPool2d", "output size must be positive", "got (0, 0)"),
        BadInput.Of<ArgumentException>(Area, "MaxPool2d layer in a Sequential, given a matrix",
            () => new Sequential(new Flatten(), new MaxPool2d(2)).Forward(Zeros(2, 3, 4, 4)), "Sequential[1] MaxPool2d(kernel_size=2", "expected input [N, C, H, W] or [C, H, W]", "got [2, 48]"),
        BadInput.Of<ArgumentException>(Area, "AdaptiveAvgPool2d layer given an empty image",
            () => new AdaptiveAvgPool2d(2).Forward(Zeros(1, 0, 4)), "AdaptiveAvgPool2d(output_size=2)", "input [1, 0, 4] has an empty image"),
    ];
}
