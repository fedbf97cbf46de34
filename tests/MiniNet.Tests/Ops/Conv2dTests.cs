using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet.Tests.Ops;

public class Conv2dTests
{
    /// <summary>One convolution's sizes and hyperparameters; "same" when <see cref="Same"/>.</summary>
    public sealed record Config(int[] Input, int[] Weight, bool Bias, (int, int) Stride, (int, int) Padding, (int, int) Dilation, int Groups, bool Same = false)
    {
        public Padding2d PaddingArgument => Same ? "same" : Padding;
        public override string ToString() =>
            $"x[{string.Join(",", Input)}] w[{string.Join(",", Weight)}]{(Bias ? " b" : "")} s{Stride} p{(Same ? "same" : Padding.ToString())} d{Dilation} g{Groups}";
    }

    public static TheoryData<Config> Configs() =>
    [
        new([1, 1, 5, 5], [1, 1, 3, 3], true, (1, 1), (0, 0), (1, 1), 1),
        new([3, 2, 6, 7], [4, 2, 3, 2], true, (1, 1), (1, 0), (1, 1), 1),         // batch 3, non-square image and kernel
        new([2, 3, 7, 6], [2, 3, 3, 3], false, (2, 3), (1, 2), (1, 1), 1),        // strides, uneven padding
        new([1, 2, 9, 8], [3, 2, 3, 2], true, (1, 2), (2, 1), (2, 3), 1),         // dilation
        new([3, 4, 5, 6], [6, 2, 3, 3], true, (1, 1), (1, 1), (1, 1), 2),         // groups
        new([2, 3, 6, 5], [3, 1, 3, 3], true, (2, 1), (1, 1), (1, 1), 3),         // depthwise
        new([1, 3, 6, 7], [6, 1, 2, 2], false, (1, 1), (0, 0), (1, 1), 3),        // depthwise with a channel multiplier
        new([2, 2, 5, 6], [3, 2, 3, 3], true, (1, 1), (0, 0), (1, 1), 1, Same: true),  // "same", odd kernel
        new([1, 2, 5, 6], [2, 2, 4, 2], true, (1, 1), (0, 0), (1, 1), 1, Same: true),  // "same", even kernel: the extra at the bottom/right
        new([1, 2, 7, 6], [2, 1, 2, 3], false, (1, 1), (0, 0), (2, 1), 2, Same: true), // "same" with dilation and groups
        new([3, 3, 4, 4], [2, 3, 1, 1], true, (1, 1), (0, 0), (1, 1), 1),         // 1×1 kernel
        new([1, 2, 4, 5], [3, 2, 4, 5], true, (1, 1), (0, 0), (1, 1), 1),         // kernel as large as the image
    ];

    [Theory]
    [MemberData(nameof(Configs))]
    public void Forward_matches_a_direct_loop_in_float64(Config config)
    {
        var (x, w, b) = Operands(config, DType.Float64);
        var y = Conv(config, x, w, b);
        var (expected, outH, outW) = Reference(config, x.ToArray<double>(), w.ToArray<double>(), b?.ToArray<double>());
        Assert.Equal([config.Input[0], config.Weight[0], outH, outW], y.Shape.ToArray());
        var actual = y.ToArray<double>();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"{config}: element {i} is {actual[i]}, expected {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Float32_agrees_with_float64_within_float32_rounding(Config config)
    {
        var (x, w, b) = Operands(config, DType.Float64);
        var single = Conv(config, x.To(DType.Float32), w.To(DType.Float32), b?.To(DType.Float32)).ToArray<float>();
        // The float32 operands are the float64 ones rounded, so rebuild the reference from them; each output is a sum of
        // k products, off by at most about (k + 1)·2⁻²⁴ times the sum of their magnitudes.
        double[] xs = Array.ConvertAll(x.To(DType.Float32).ToArray<float>(), v => (double)v), ws = Array.ConvertAll(w.To(DType.Float32).ToArray<float>(), v => (double)v);
        double[]? bs = b is null ? null : Array.ConvertAll(b.To(DType.Float32).ToArray<float>(), v => (double)v);
        var (expected, _, _) = Reference(config, xs, ws, bs);
        var (magnitude, _, _) = Reference(config, Array.ConvertAll(xs, Math.Abs), Array.ConvertAll(ws, Math.Abs), bs is null ? null : Array.ConvertAll(bs, Math.Abs));
        int terms = config.Weight[1] * config.Weight[2] * config.Weight[3] + 1;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(single[i] - expected[i]) <= (terms + 1) * Math.Pow(2, -24) * magnitude[i], $"{config}: element {i} is {single[i]}, expected {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Gradients_of_input_weight_and_bias_pass_gradcheck(Config config)
    {
        var (x, w, b) = Operands(config, DType.Float64);
        x.RequireGrad();
        w.RequireGrad();
        if (b is null) GradCheck.Assert(xs => Conv(config, xs[0], xs[1], null), [x, w]);
        else GradCheck.Assert(xs => Conv(config, xs[0], xs[1], xs[2]), [x, w, b.RequireGrad()]);
    }

    [Fact]
    public void Gradients_add_to_those_that_reached_the_operands_first()
    {
        var x = Tensor.Randn([2, 2, 5, 4], 1, DType.Float64).RequireGrad();
        var w = Tensor.Randn([3, 2, 2, 3], 2, DType.Float64).RequireGrad();
        var b = Tensor.Randn([3], 3, DType.Float64).RequireGrad();
        GradCheck.Assert(xs =>
        {
            var h = xs[0] * 2;
            return Tensor.Conv2d(h, xs[1], xs[2], padding: 1).Sum() + (h * h).Sum() + (xs[1] * xs[1]).Sum() + (xs[2] * xs[2]).Sum();
        }, [x, w, b]);
    }

    [Fact]
    public void Values_and_gradients_match_pytorch()
    {
        // Inputs and upstream gradients as conv2d_reference.py builds them; the expected values are its output.
        CheckAgainstTorch([2, 3, 5, 6], [4, 3, 3, 2], (2, 1), (1, 2), (1, 2), 1, Conv2dTorchValues.StridedOutput, Conv2dTorchValues.StridedInputGrad,
            Conv2dTorchValues.StridedWeightGrad, Conv2dTorchValues.StridedBiasGrad, [2, 4, 3, 8]);
        CheckAgainstTorch([1, 4, 5, 4], [6, 2, 2, 3], 1, "same", 1, 2, Conv2dTorchValues.GroupedSameOutput, Conv2dTorchValues.GroupedSameInputGrad,
            Conv2dTorchValues.GroupedSameWeightGrad, Conv2dTorchValues.GroupedSameBiasGrad, [1, 6, 5, 4]);
    }

    private static void CheckAgainstTorch(int[] inputShape, int[] weightShape, Size2d stride, Padding2d padding, Size2d dilation, int groups,
        double[] output, double[] inputGrad, double[] weightGrad, double[] biasGrad, int[] outputShape)
    {
        var x = ClosedForm(inputShape, i => Math.Sin(0.37 * i + 0.1)).RequireGrad();
        var w = ClosedForm(weightShape, i => Math.Cos(0.91 * i)).RequireGrad();
        var b = ClosedForm([weightShape[0]], i => 0.1 * i - 0.2).RequireGrad();
        var y = Tensor.Conv2d(x, w, b, stride, padding, dilation, groups);
        Assert.Equal(outputShape, y.Shape.ToArray());
        y.Backward(ClosedForm(outputShape, i => Math.Cos(0.53 * i)));
        AssertClose(output, y.ToArray<double>());
        AssertClose(inputGrad, x.Grad!.ToArray<double>());
        AssertClose(weightGrad, w.Grad!.ToArray<double>());
        AssertClose(biasGrad, b.Grad!.ToArray<double>());
    }

    [Theory]
    // PyTorch's documented output size, H_out = ⌊(H + 2p − d·(k − 1) − 1)/s⌋ + 1, worked by hand.
    [InlineData(28, 3, 1, 1, 1, 28)]  // (28 + 2 − 2 − 1)/1 + 1
    [InlineData(28, 5, 2, 0, 1, 12)]  // (28 − 4 − 1)/2 + 1 = ⌊11.5⌋ + 1
    [InlineData(10, 3, 3, 2, 2, 4)]   // (10 + 4 − 4 − 1)/3 + 1 = 3 + 1
    [InlineData(7, 7, 1, 0, 1, 1)]    // a kernel as large as the image
    [InlineData(5, 2, 4, 0, 3, 1)]    // (5 − 3 − 1)/4 + 1 = 0 + 1
    public void Output_size_follows_pytorchs_formula(int size, int kernel, int stride, int padding, int dilation, int expected)
    {
        var y = Tensor.Conv2d(Tensor.Zeros([1, 1, size, size + 1]), Tensor.Zeros([1, 1, kernel, kernel]), null, stride, padding, dilation);
        int expectedWidth = (size + 1 + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        Assert.Equal([1, 1, expected, expectedWidth], y.Shape.ToArray());
    }

    [Fact]
    public void Same_padding_puts_the_odd_row_and_column_at_the_bottom_right()
    {
        // A 2×2 kernel [[0, 1], [2, 3]] over a lone 1 in the top-left corner. PyTorch pads 0 above/left and 1 below/right,
        // so output (0, 0) sees x[0..1, 0..1] and gets 1·w[0, 0] = 0, and nothing else reaches the 1 (checked in PyTorch 1.13).
        var corner = Tensor.FromArray([1.0, 0, 0, 0, 0, 0, 0, 0, 0], Shape.Create([1, 1, 3, 3]));
        var w = Tensor.FromArray([0.0, 1, 2, 3], Shape.Create([1, 1, 2, 2]));
        Assert.Equal(new double[9], Tensor.Conv2d(corner, w, padding: "same").ToArray<double>());
        // A lone 1 at the bottom-right meets every tap: at (1, 1) through w[1, 1], (1, 2) w[1, 0], (2, 1) w[0, 1], (2, 2) w[0, 0].
        var last = Tensor.FromArray([0.0, 0, 0, 0, 0, 0, 0, 0, 1], Shape.Create([1, 1, 3, 3]));
        Assert.Equal([0.0, 0, 0, 0, 3, 2, 0, 1, 0], Tensor.Conv2d(last, w, padding: "same").ToArray<double>());
    }

    [Fact]
    public void An_unbatched_image_gives_the_batch_of_one_without_its_batch_dimension()
    {
        var x = Tensor.Randn([2, 5, 4], 1, DType.Float64).RequireGrad();
        var w = Tensor.Randn([3, 2, 3, 3], 2, DType.Float64);
        var y = Tensor.Conv2d(x, w, padding: 1);
        Assert.Equal([3, 5, 4], y.Shape.ToArray());
        Assert.Equal(Tensor.Conv2d(x.Detach().Reshape(1, 2, 5, 4), w, padding: 1).ToArray<double>(), y.ToArray<double>());
        GradCheck.Assert(xs => Tensor.Conv2d(xs[0], xs[1], padding: 1), [x, w.RequireGrad()]);
    }

    [Fact]
    public void An_empty_batch_gives_an_empty_output_and_zero_gradients()
    {
        var x = Tensor.Zeros([0, 2, 5, 5], DType.Float64).RequireGrad();
        var w = Tensor.Ones([3, 2, 3, 3], DType.Float64).RequireGrad();
        var b = Tensor.Ones([3], DType.Float64).RequireGrad();
        var y = Tensor.Conv2d(x, w, b, padding: 1);
        Assert.Equal([0, 3, 5, 5], y.Shape.ToArray());
        y.Sum().Backward();
        Assert.Equal(new double[2 * 9 * 3], w.Grad!.ToArray<double>());
        Assert.Equal(new double[3], b.Grad!.ToArray<double>());
    }

    [Fact]
    public void A_batch_of_256_images_goes_through_in_chunks_of_bounded_scratch()
    {
        // 256 1×28×28 images through an 8-channel 3×3 "same" convolution: an im2col of the whole batch would take
        // 256·9·784 floats (7.2 MB); a chunk takes at most 2^18 floats of columns (37 images), whatever the batch. Their scratch
        // is pooled, so after a first call a convolution allocates its output and gradients, and nothing more.
        const int Batch = 256;
        var x = Tensor.Randn([Batch, 1, 28, 28], 1).RequireGrad();
        var w = Tensor.Randn([8, 1, 3, 3], 2).RequireGrad();
        var b = Tensor.Randn([8], 3).RequireGrad();
        var gradient = Tensor.Randn([Batch, 8, 28, 28], 4);
        var geometry = Conv2dGeometry.Of(x, w, b, 1, 1, 1, 1);
        int chunk = Convolution.ImagesPerChunk(geometry);
        Assert.Equal(37, chunk); // ⌊2^18 / (9·784)⌋: seven chunks, the last of 34 images
        Assert.Equal(7, Convolution.ChunkCount(geometry));
        Assert.Equal(chunk, Convolution.ImagesPerChunk(Conv2dGeometry.Of(Tensor.Zeros([4096, 1, 28, 28]), w, b, 1, 1, 1, 1)));

        Tensor.Conv2d(x, w, b, padding: 1).Backward(gradient); // the pool's first scratch
        x.Grad = w.Grad = b.Grad = null;
        long forward = long.MaxValue, backward = long.MaxValue;
        Tensor y = null!;
        for (int round = 0; round < 3; round++) // the fewest bytes: the runtime may allocate on this thread while it recompiles
        {
            x.Grad = w.Grad = b.Grad = null;
            long before = GC.GetAllocatedBytesForCurrentThread();
            y = Tensor.Conv2d(x, w, b, padding: 1);
            forward = Math.Min(forward, GC.GetAllocatedBytesForCurrentThread() - before - y.ElementCount * sizeof(float));
            before = GC.GetAllocatedBytesForCurrentThread();
            y.Backward(gradient);
            // The tape takes its own copy of the seed gradient, as large as the output.
            backward = Math.Min(backward, GC.GetAllocatedBytesForCurrentThread() - before - (y.ElementCount + x.ElementCount + w.ElementCount + b.ElementCount) * sizeof(float));
        }
        Assert.True(forward < 16 * 1024, $"forward allocated {forward} bytes beyond its output");
        Assert.True(backward < 16 * 1024, $"backward allocated {backward} bytes beyond the gradients");
        // The bias gradient is the sum of the upstream gradient over images and pixels.
        var expectedBiasGrad = gradient.ToArray<float>();
        for (int c = 0; c < 8; c++)
        {
            double sum = 0;
            for (int n = 0; n < Batch; n++)
                for (int p = 0; p < 784; p++) sum += expectedBiasGrad[(n * 8 + c) * 784 + p];
            Assert.True(Math.Abs(b.Grad!.ToArray<float>()[c] - sum) <= 1e-3 * (1 + Math.Abs(sum)), $"bias gradient {c}");
        }
    }

    private static Tensor Conv(Config config, Tensor x, Tensor w, Tensor? b) =>
        Tensor.Conv2d(x, w, b, config.Stride, config.PaddingArgument, config.Dilation, config.Groups);

    private static (Tensor X, Tensor W, Tensor? B) Operands(Config config, DType dtype) =>
        (Tensor.Randn(config.Input, 11, dtype), Tensor.Randn(config.Weight, 12, dtype), config.Bias ? Tensor.Randn([config.Weight[0]], 13, dtype) : null);

    private static Tensor ClosedForm(int[] shape, Func<int, double> value)
    {
        var data = new double[Shape.Create(shape).ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = value(i);
        return Tensor.FromArray(data, Shape.Create(shape));
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"element {i} is {actual[i]}, PyTorch gives {expected[i]}");
    }

    /// <summary>
    /// The convolution straight from its definition: y[n, o, i, j] = b[o] + Σ_{c in o's group, p, q} x[n, c, i·s − pad + p·d,
    /// j·s − pad + q·d]·w[o, c, p, q], over the taps inside the image. "same" pads d·(k − 1) in total, the odd one at the end.
    /// </summary>
    private static (double[] Output, int Height, int Width) Reference(Config config, double[] x, double[] w, double[]? b)
    {
        int batch = config.Input[0], inC = config.Input[1], height = config.Input[2], width = config.Input[3];
        int outC = config.Weight[0], groupIn = config.Weight[1], kh = config.Weight[2], kw = config.Weight[3];
        var (sh, sw) = config.Stride;
        var (dh, dw) = config.Dilation;
        int top, left, bottom, right;
        if (config.Same)
        {
            (top, left) = (dh * (kh - 1) / 2, dw * (kw - 1) / 2);
            (bottom, right) = (dh * (kh - 1) - top, dw * (kw - 1) - left);
        }
        else (top, left, bottom, right) = (config.Padding.Item1, config.Padding.Item2, config.Padding.Item1, config.Padding.Item2);
        int outH = (height + top + bottom - dh * (kh - 1) - 1) / sh + 1, outW = (width + left + right - dw * (kw - 1) - 1) / sw + 1;
        int groupOut = outC / config.Groups;
        var y = new double[batch * outC * outH * outW];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outC; o++)
                for (int i = 0; i < outH; i++)
                    for (int j = 0; j < outW; j++)
                    {
                        double sum = b is null ? 0 : b[o];
                        for (int c = 0; c < groupIn; c++)
                        {
                            int channel = o / groupOut * groupIn + c;
                            for (int p = 0; p < kh; p++)
                                for (int q = 0; q < kw; q++)
                                {
                                    int r = i * sh - top + p * dh, s = j * sw - left + q * dw;
                                    if (r < 0 || r >= height || s < 0 || s >= width) continue;
                                    sum += x[((n * inC + channel) * height + r) * width + s] * w[((o * groupIn + c) * kh + p) * kw + q];
                                }
                        }
                        y[((n * outC + o) * outH + i) * outW + j] = sum;
                    }
        return (y, outH, outW);
    }
}
