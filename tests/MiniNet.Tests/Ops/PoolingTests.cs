namespace MiniNet.Tests.Ops;

public class PoolingTests
{
    /// <summary>One pooling's input and hyperparameters (dilation is max pooling's only).</summary>
    public sealed record Config(int[] Input, (int, int) Kernel, (int, int) Stride, (int, int) Padding, (int, int) Dilation)
    {
        public override string ToString() => $"x[{string.Join(",", Input)}] k{Kernel} s{Stride} p{Padding} d{Dilation}";
    }

    public static TheoryData<Config> MaxConfigs() =>
    [
        new([1, 1, 5, 5], (2, 2), (2, 2), (0, 0), (1, 1)),
        new([2, 3, 7, 6], (3, 2), (2, 1), (1, 1), (1, 2)),   // non-square everything, padding, dilation
        new([3, 2, 8, 9], (3, 3), (1, 2), (1, 1), (2, 2)),
        new([2, 5, 6], (2, 3), (1, 1), (1, 0), (1, 1)),      // unbatched
        new([1, 2, 4, 5], (4, 5), (1, 1), (0, 0), (1, 1)),   // kernel as large as the image
        new([2, 1, 5, 7], (1, 1), (2, 3), (0, 0), (1, 1)),   // 1×1 kernel
    ];

    public static TheoryData<Config, bool> AverageConfigs()
    {
        var data = new TheoryData<Config, bool>();
        Config[] configs =
        [
            new([1, 1, 5, 5], (2, 2), (2, 2), (0, 0), (1, 1)),
            new([2, 2, 7, 6], (3, 2), (2, 2), (1, 1), (1, 1)),
            new([1, 3, 6, 7], (3, 3), (2, 2), (1, 1), (1, 1)),
            new([3, 5, 4], (2, 2), (1, 1), (1, 1), (1, 1)),      // unbatched, every window padded somewhere
            new([2, 1, 4, 5], (4, 5), (1, 1), (0, 0), (1, 1)),
        ];
        foreach (var config in configs)
        foreach (bool countIncludePad in new[] { true, false })
            data.Add(config, countIncludePad);
        return data;
    }

    public static TheoryData<int[], (int, int)> AdaptiveConfigs() => new()
    {
        { [1, 1, 5, 5], (3, 3) },
        { [2, 2, 7, 5], (3, 2) },
        { [1, 3, 7, 7], (2, 2) },
        { [2, 4, 6], (6, 4) },      // unbatched, larger than the input (windows repeat elements)
        { [1, 2, 6, 8], (1, 1) },   // global average
        { [1, 1, 3, 4], (3, 4) },   // the identity
    };

    /// <summary>Distinct values at least 0.001 apart, so no window has a tie (finite differences stay valid).</summary>
    private static Tensor Distinct(int[] shape, DType dtype)
    {
        int count = 1;
        foreach (int d in shape) count *= d;
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = (i * 7919L % 10007 - 5000) / 1000.0;
        return Tensor.FromArray(values, shape).To(dtype);
    }

    private static Tensor Upstream(Shape shape) => Tensor.Uniform(shape, -1, 1, new Generator(7), DType.Float64);

    private static (int Planes, int H, int W) Planar(int[] input) =>
        (input.Length == 4 ? input[0] * input[1] : input[0], input[^2], input[^1]);

    /// <summary>The max pooling and its input gradient, straight from the definition: the first strictly larger value wins.</summary>
    private static (double[] Y, double[] Dx, int OutH, int OutW) MaxReference(Config c, double[] x, double[] g)
    {
        var (planes, h, w) = Planar(c.Input);
        int outH = (h + 2 * c.Padding.Item1 - c.Dilation.Item1 * (c.Kernel.Item1 - 1) - 1) / c.Stride.Item1 + 1;
        int outW = (w + 2 * c.Padding.Item2 - c.Dilation.Item2 * (c.Kernel.Item2 - 1) - 1) / c.Stride.Item2 + 1;
        var y = new double[planes * outH * outW];
        var dx = new double[x.Length];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < outH; i++)
        for (int j = 0; j < outW; j++)
        {
            double best = double.NegativeInfinity;
            int at = -1;
            for (int a = 0; a < c.Kernel.Item1; a++)
            for (int b = 0; b < c.Kernel.Item2; b++)
            {
                int row = i * c.Stride.Item1 - c.Padding.Item1 + a * c.Dilation.Item1, col = j * c.Stride.Item2 - c.Padding.Item2 + b * c.Dilation.Item2;
                if (row < 0 || row >= h || col < 0 || col >= w) continue;
                int index = (p * h + row) * w + col;
                if (at < 0 || x[index] > best) (best, at) = (x[index], index);
            }
            int o = (p * outH + i) * outW + j;
            y[o] = best;
            dx[at] += g[o];
        }
        return (y, dx, outH, outW);
    }

    /// <summary>The average pooling and its input gradient, from the definition.</summary>
    private static (double[] Y, double[] Dx) AverageReference(Config c, bool countIncludePad, double[] x, double[] g, int outH, int outW)
    {
        var (planes, h, w) = Planar(c.Input);
        var y = new double[planes * outH * outW];
        var dx = new double[x.Length];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < outH; i++)
        for (int j = 0; j < outW; j++)
        {
            var inside = new List<int>();
            for (int a = 0; a < c.Kernel.Item1; a++)
            for (int b = 0; b < c.Kernel.Item2; b++)
            {
                int row = i * c.Stride.Item1 - c.Padding.Item1 + a, col = j * c.Stride.Item2 - c.Padding.Item2 + b;
                if (row >= 0 && row < h && col >= 0 && col < w) inside.Add((p * h + row) * w + col);
            }
            double divisor = countIncludePad ? c.Kernel.Item1 * c.Kernel.Item2 : inside.Count;
            int o = (p * outH + i) * outW + j;
            foreach (int index in inside)
            {
                y[o] += x[index] / divisor;
                dx[index] += g[o] / divisor;
            }
        }
        return (y, dx);
    }

    /// <summary>The adaptive average and its input gradient, with PyTorch's documented windows ⌊i·H/out⌋ … ⌈(i+1)·H/out⌉.</summary>
    private static (double[] Y, double[] Dx) AdaptiveReference(int[] input, (int H, int W) output, double[] x, double[] g)
    {
        var (planes, h, w) = Planar(input);
        var y = new double[planes * output.H * output.W];
        var dx = new double[x.Length];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < output.H; i++)
        for (int j = 0; j < output.W; j++)
        {
            int r0 = (int)Math.Floor((double)i * h / output.H), r1 = (int)Math.Ceiling((double)(i + 1) * h / output.H);
            int c0 = (int)Math.Floor((double)j * w / output.W), c1 = (int)Math.Ceiling((double)(j + 1) * w / output.W);
            double count = (r1 - r0) * (c1 - c0);
            int o = (p * output.H + i) * output.W + j;
            for (int row = r0; row < r1; row++)
            for (int col = c0; col < c1; col++)
            {
                y[o] += x[(p * h + row) * w + col] / count;
                dx[(p * h + row) * w + col] += g[o] / count;
            }
        }
        return (y, dx);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"{what}: element {i} is {actual[i]}, expected {expected[i]}");
    }

    private static (double[] Y, double[] Dx) Run(Tensor x, Func<Tensor, Tensor> pool, out Shape shape)
    {
        x.RequireGrad();
        var y = pool(x);
        shape = y.Shape;
        y.Backward(Upstream(y.Shape));
        return (y.ToArray<double>(), x.Grad!.ToArray<double>());
    }

    [Theory]
    [MemberData(nameof(MaxConfigs))]
    public void MaxPool_forward_and_backward_match_the_definition(Config c)
    {
        var (y, dx) = Run(Distinct(c.Input, DType.Float64), x => x.MaxPool2d(c.Kernel, c.Stride, c.Padding, c.Dilation), out var shape);
        var (expectedY, expectedDx, outH, outW) = MaxReference(c, Distinct(c.Input, DType.Float64).ToArray<double>(), Upstream(shape).ToArray<double>());
        Assert.Equal([.. c.Input[..^2], outH, outW], shape.ToArray());
        Assert.Equal(expectedY, y);   // a max copies an element: exact
        AssertClose(expectedDx, dx, 1e-15, $"{c} dx");
    }

    [Theory]
    [MemberData(nameof(MaxConfigs))]
    public void MaxPool_in_float32_takes_the_same_elements(Config c)
    {
        var y = Distinct(c.Input, DType.Float32).MaxPool2d(c.Kernel, c.Stride, c.Padding, c.Dilation).To(DType.Float64).ToArray<double>();
        var (expected, _, _, _) = MaxReference(c, Distinct(c.Input, DType.Float32).To(DType.Float64).ToArray<double>(), new double[y.Length]);
        Assert.Equal(expected, y);
    }

    [Theory]
    [MemberData(nameof(MaxConfigs))]
    public void MaxPool_gradient_passes_gradcheck_without_ties(Config c) =>
        GradCheck.Assert(x => x.MaxPool2d(c.Kernel, c.Stride, c.Padding, c.Dilation), Distinct(c.Input, DType.Float64).RequireGrad());

    [Theory]
    [MemberData(nameof(AverageConfigs))]
    public void AvgPool_forward_and_backward_match_the_definition(Config c, bool countIncludePad)
    {
        var input = Tensor.Uniform(c.Input, -2, 2, new Generator(3), DType.Float64);
        var (y, dx) = Run(input.Clone(), x => x.AvgPool2d(c.Kernel, c.Stride, c.Padding, countIncludePad), out var shape);
        var (expectedY, expectedDx) = AverageReference(c, countIncludePad, input.ToArray<double>(), Upstream(shape).ToArray<double>(), shape[-2], shape[-1]);
        AssertClose(expectedY, y, 1e-14, $"{c} y");
        AssertClose(expectedDx, dx, 1e-14, $"{c} dx");
    }

    [Theory]
    [MemberData(nameof(AverageConfigs))]
    public void AvgPool_in_float32_agrees_within_float32_rounding(Config c, bool countIncludePad)
    {
        var input = Tensor.Uniform(c.Input, -2, 2, new Generator(3), DType.Float32);
        var y = input.AvgPool2d(c.Kernel, c.Stride, c.Padding, countIncludePad);
        var (expected, _) = AverageReference(c, countIncludePad, input.To(DType.Float64).ToArray<double>(), new double[y.Shape.ElementCount], y.Shape[-2], y.Shape[-1]);
        // A sum of k terms of magnitude ≤ 2 and one division: within (k + 1)·2⁻²⁴·2·k of the exact mean, over a divisor ≥ 1.
        int k = c.Kernel.Item1 * c.Kernel.Item2;
        AssertClose(expected, y.To(DType.Float64).ToArray<double>(), (k + 1) * 2.0 * k * Math.Pow(2, -24), $"{c} float32");
    }

    [Theory]
    [MemberData(nameof(AverageConfigs))]
    public void AvgPool_gradient_passes_gradcheck(Config c, bool countIncludePad) =>
        GradCheck.Assert(x => x.AvgPool2d(c.Kernel, c.Stride, c.Padding, countIncludePad), Tensor.Uniform(c.Input, -2, 2, new Generator(4), DType.Float64).RequireGrad());

    [Theory]
    [MemberData(nameof(AdaptiveConfigs))]
    public void AdaptiveAvgPool_forward_and_backward_match_the_definition(int[] inputShape, (int, int) outputSize)
    {
        var input = Tensor.Uniform(inputShape, -2, 2, new Generator(5), DType.Float64);
        var (y, dx) = Run(input.Clone(), x => x.AdaptiveAvgPool2d(outputSize), out var shape);
        Assert.Equal([.. inputShape[..^2], outputSize.Item1, outputSize.Item2], shape.ToArray());
        var (expectedY, expectedDx) = AdaptiveReference(inputShape, outputSize, input.ToArray<double>(), Upstream(shape).ToArray<double>());
        AssertClose(expectedY, y, 1e-14, "y");
        AssertClose(expectedDx, dx, 1e-14, "dx");
    }

    [Theory]
    [MemberData(nameof(AdaptiveConfigs))]
    public void AdaptiveAvgPool_gradient_passes_gradcheck(int[] inputShape, (int, int) outputSize) =>
        GradCheck.Assert(x => x.AdaptiveAvgPool2d(outputSize), Tensor.Uniform(inputShape, -2, 2, new Generator(6), DType.Float64).RequireGrad());

    private static double[] GradientOfSum(double[] values, int[] shape, Func<Tensor, Tensor> pool, out double[] output)
    {
        var x = Tensor.FromArray(values, shape).RequireGrad();
        var y = pool(x);
        output = y.ToArray<double>();
        y.Sum().Backward();
        return x.Grad!.ToArray<double>();
    }

    [Fact]
    public void MaxPool_gives_a_tie_gradient_to_the_first_maximum_in_row_major_order()
    {
        // Three 5s in one 2×3 window: PyTorch's kernel keeps the first (row 0, column 1).
        var dx = GradientOfSum([2, 5, 5, 5, 1, 0], [1, 2, 3], x => x.MaxPool2d((2, 3)), out var y);
        Assert.Equal([5.0], y);
        Assert.Equal([0.0, 1, 0, 0, 0, 0], dx);
    }

    [Fact]
    public void MaxPool_2x2_takes_PyTorchs_element_among_ties_and_NaNs()
    {
        // MaxPool2d(2) has a loop of its own: small integers make ties in most windows, and some NaNs; the expected
        // choice is PyTorch's rule written out (row-major order, a strictly larger value or a NaN wins).
        const int Planes = 3, Height = 6, Width = 8;
        var generator = new Generator(5);
        var values = new double[Planes * Height * Width];
        for (int i = 0; i < values.Length; i++) values[i] = generator.NextInt(9) == 0 ? double.NaN : generator.NextInt(3);
        var dx = GradientOfSum(values, [Planes, Height, Width], x => x.MaxPool2d(2), out var y);
        var expectedGrad = new double[values.Length];
        for (int p = 0, o = 0; p < Planes; p++)
            for (int oh = 0; oh < Height / 2; oh++)
                for (int ow = 0; ow < Width / 2; ow++, o++)
                {
                    int best = -1;
                    double max = double.NegativeInfinity;
                    foreach (int index in (int[])[(2 * oh) * Width + 2 * ow, (2 * oh) * Width + 2 * ow + 1, (2 * oh + 1) * Width + 2 * ow, (2 * oh + 1) * Width + 2 * ow + 1])
                    {
                        double value = values[p * Height * Width + index];
                        if (best < 0 || value > max || double.IsNaN(value)) (max, best) = (value, p * Height * Width + index);
                    }
                    Assert.Equal(max, y[o]);
                    expectedGrad[best] += 1;
                }
        Assert.Equal(expectedGrad, dx);
    }

    [Fact]
    public void MaxPool_propagates_NaN_and_gives_it_the_gradient()
    {
        var dx = GradientOfSum([1, double.NaN, 3, 2], [1, 1, 4], x => x.MaxPool2d((1, 4)), out var y);
        Assert.True(double.IsNaN(y[0]));
        Assert.Equal([0.0, 1, 0, 0], dx);
        // PyTorch's test (value > max || isnan(value)) takes every NaN in turn, so the last one keeps the gradient.
        dx = GradientOfSum([1, double.NaN, 3, double.NaN], [1, 1, 4], x => x.MaxPool2d((1, 4)), out y);
        Assert.True(double.IsNaN(y[0]));
        Assert.Equal([0.0, 0, 0, 1], dx);
    }

    [Fact]
    public void MaxPool_padding_never_wins_and_an_all_minus_infinity_window_sends_the_gradient_to_its_first_element()
    {
        var dx = GradientOfSum([-1, -2, -3, -4], [1, 2, 2], x => x.MaxPool2d(2, stride: 1, padding: 1), out var y);
        Assert.Equal([-1.0, -1, -2, -1, -1, -2, -3, -3, -4], y);
        Assert.Equal([4.0, 2, 2, 1], dx);
        dx = GradientOfSum([double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity], [1, 2, 2], x => x.MaxPool2d(2), out y);
        Assert.Equal([double.NegativeInfinity], y);
        Assert.Equal([1.0, 0, 0, 0], dx);
    }

    [Fact]
    public void AvgPool_divides_by_the_kernel_area_or_by_the_real_elements()
    {
        // [[1, 2], [3, 4]] padded by one all round, 2×2 windows at stride 1: nine windows, each holding 1, 2 or 4 real elements.
        var dx = GradientOfSum([1, 2, 3, 4], [1, 2, 2], x => x.AvgPool2d(2, stride: 1, padding: 1, countIncludePad: true), out var y);
        Assert.Equal([0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1], y);
        Assert.Equal([1.0, 1, 1, 1], dx);   // each element is in four windows, a quarter each
        dx = GradientOfSum([1, 2, 3, 4], [1, 2, 2], x => x.AvgPool2d(2, stride: 1, padding: 1, countIncludePad: false), out y);
        Assert.Equal([1.0, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4], y);
        Assert.Equal([2.25, 2.25, 2.25, 2.25], dx);   // 1 + 1/2 + 1/2 + 1/4
    }

    [Fact]
    public void AdaptiveAvgPool_windows_overlap_when_the_sizes_do_not_divide()
    {
        // 5 → 3: columns {0, 1}, {1, 2, 3}, {3, 4}.
        var dx = GradientOfSum([1, 2, 3, 4, 5], [1, 1, 5], x => x.AdaptiveAvgPool2d((1, 3)), out var y);
        Assert.Equal([1.5, 3, 4.5], y);
        AssertClose([0.5, 0.5 + 1 / 3.0, 1 / 3.0, 1 / 3.0 + 0.5, 0.5], dx, 1e-16, "5 → 3");
        // 7 → 2 (as rows): {0, 1, 2, 3}, {3, 4, 5, 6}.
        dx = GradientOfSum([1, 2, 3, 4, 5, 6, 7], [1, 7, 1], x => x.AdaptiveAvgPool2d((2, 1)), out y);
        Assert.Equal([2.5, 5.5], y);
        Assert.Equal([0.25, 0.25, 0.25, 0.5, 0.25, 0.25, 0.25], dx);
    }

    [Fact]
    public void Gradients_add_to_those_that_reached_the_input_first()
    {
        var x = Tensor.FromArray([1.0, 4, 2, 3], [1, 2, 2]).RequireGrad();
        (x.Sum() + x.MaxPool2d(2).Sum() + x.AvgPool2d(2).Sum() + x.AdaptiveAvgPool2d(1).Sum()).Backward();
        Assert.Equal([1.5, 2.5, 1.5, 1.5], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Stride_defaults_to_the_kernel_size()
    {
        var x = Tensor.Uniform([2, 3, 9, 8], -1, 1, new Generator(8), DType.Float64);
        Assert.Equal(x.MaxPool2d((3, 2), stride: (3, 2)).ToArray<double>(), x.MaxPool2d((3, 2)).ToArray<double>());
        Assert.Equal(x.AvgPool2d((3, 2), stride: (3, 2)).ToArray<double>(), x.AvgPool2d((3, 2)).ToArray<double>());
        Assert.Equal([2, 3, 3, 4], x.MaxPool2d((3, 2)).Shape.ToArray());
    }

    private static Tensor TorchInput(int[] shape)
    {
        int count = 1;
        foreach (int d in shape) count *= d;
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = Math.Sin(0.37 * i + 0.1);
        return Tensor.FromArray(values, shape).RequireGrad();
    }

    private static void AssertTorch(int[] shape, Func<Tensor, Tensor> pool, double[] output, double[] inputGrad)
    {
        var x = TorchInput(shape);
        var y = pool(x);
        var upstream = new double[y.Shape.ElementCount];
        for (int i = 0; i < upstream.Length; i++) upstream[i] = Math.Cos(0.53 * i);
        y.Backward(Tensor.FromArray(upstream, y.Shape));
        AssertClose(output, y.ToArray<double>(), 1e-14, "PyTorch's output");
        AssertClose(inputGrad, x.Grad!.ToArray<double>(), 1e-14, "PyTorch's input gradient");
    }

    [Fact]
    public void MaxPool_matches_PyTorch() =>
        AssertTorch([2, 3, 7, 6], x => x.MaxPool2d((3, 2), stride: (2, 1), padding: (1, 1), dilation: (1, 2)), PoolingTorchValues.MaxPoolOutput, PoolingTorchValues.MaxPoolInputGrad);

    [Fact]
    public void AvgPool_matches_PyTorch()
    {
        AssertTorch([2, 2, 7, 6], x => x.AvgPool2d((3, 2), stride: (2, 2), padding: (1, 1)), PoolingTorchValues.AvgPoolOutput, PoolingTorchValues.AvgPoolInputGrad);
        AssertTorch([1, 3, 6, 7], x => x.AvgPool2d(3, stride: 2, padding: 1, countIncludePad: false), PoolingTorchValues.AvgPoolExcludingPadOutput, PoolingTorchValues.AvgPoolExcludingPadInputGrad);
    }

    [Fact]
    public void AdaptiveAvgPool_matches_PyTorch() =>
        AssertTorch([2, 2, 7, 5], x => x.AdaptiveAvgPool2d((3, 2)), PoolingTorchValues.AdaptiveAvgPoolOutput, PoolingTorchValues.AdaptiveAvgPoolInputGrad);
}
