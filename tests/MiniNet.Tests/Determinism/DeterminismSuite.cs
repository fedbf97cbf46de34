using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Tests.Ops;

namespace MiniNet.Tests.Determinism;

/// <summary>
/// The fixed list of computations whose bits must be the same on every CPU (AVX-512, AVX2, 128-bit, scalar) and for
/// any thread count: every op forward and backward at lengths that reach every loop of every vector width and every
/// remainder, both heads with every option, every optimiser, clipping, and a short seeded training on the shipped
/// subset. Each section feeds all its results, in order, to one <see cref="ResultHash"/>.
/// </summary>
internal static class DeterminismSuite
{
    /// <summary>Lengths around every vector width of float and double, and a few large ones.</summary>
    public static readonly int[] Lengths = [1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 65, 127, 129, 1000, 4099];

    private static readonly DType[] DTypes = [DType.Float32, DType.Float64];

    public static readonly IReadOnlyDictionary<string, Action<ResultHash>> Sections = new Dictionary<string, Action<ResultHash>>
    {
        ["unary ops"] = UnaryOps,
        ["binary ops"] = BinaryOps,
        ["reductions and softmax"] = Reductions,
        ["matmul and linear"] = Products,
        ["conv2d"] = Convolutions,
        ["layer_norm"] = LayerNorms,
        ["pooling"] = Poolings,
        ["batch_norm"] = BatchNorms,
        ["softmax head"] = SoftmaxHead,
        ["sigmoid head"] = SigmoidHead,
        ["optimisers"] = Optimisers,
        ["clipping and dropout"] = ClippingAndDropout,
        ["training on the shipped subset"] = Training,
    };

    private static Tensor Uniform(Shape shape, double low, double high, ulong seed, DType dtype) =>
        Tensor.Uniform(shape, low, high, new Generator(seed), dtype);

    /// <summary>Runs f forward and backward (with a seeded output gradient) and adds the output and every input's gradient.</summary>
    private static void ForwardBackward(ResultHash hash, Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        foreach (var input in inputs) input.RequireGrad();
        var output = f(inputs);
        hash.Add(output);
        var upstream = Uniform(output.Shape, -1, 1, 99, output.DType);
        output.Backward(upstream);
        foreach (var input in inputs) hash.Add(input.Grad);
    }

    private static void UnaryOps(ResultHash hash)
    {
        foreach (var op in UnaryOp.All)
        foreach (var dtype in DTypes)
        foreach (int length in Lengths)
        {
            hash.Label($"{op.Name} {dtype} {length}");
            ForwardBackward(hash, xs => op.Apply(xs[0]), Uniform([length], op.Low, op.High, (ulong)length, dtype));
        }
        foreach (bool tanh in new[] { false, true })
        foreach (var dtype in DTypes)
        foreach (int length in Lengths)
        {
            hash.Label($"Gelu({tanh}) {dtype} {length}");
            ForwardBackward(hash, xs => xs[0].Gelu(tanh), Uniform([length], -6, 6, (ulong)length, dtype));
        }
    }

    private static void BinaryOps(ResultHash hash)
    {
        var ops = new (string Name, Func<Tensor, Tensor, Tensor> Apply, double Low)[]
        {
            ("Add", (a, b) => a + b, -2), ("Sub", (a, b) => a - b, -2), ("Mul", (a, b) => a * b, -2),
            ("Div", (a, b) => a / b, 0.5), ("Pow", Tensor.Pow, 0.5),
        };
        foreach (var (name, apply, low) in ops)
        foreach (var dtype in DTypes)
        foreach (int length in Lengths)
        {
            hash.Label($"{name} {dtype} {length}");
            ForwardBackward(hash, xs => apply(xs[0], xs[1]), Uniform([length], low, 2, 1, dtype), Uniform([length], low, 2, 2, dtype));
            ForwardBackward(hash, xs => apply(xs[0], xs[1]), Uniform([3, length], low, 2, 3, dtype), Uniform([length], low, 2, 4, dtype));
            ForwardBackward(hash, xs => apply(xs[0], xs[1]), Uniform([5, 1], low, 2, 5, dtype), Uniform([1, length], low, 2, 6, dtype));
            ForwardBackward(hash, xs => apply(xs[0], xs[1]) * 0.37 - 1.5, Uniform([length], low, 2, 7, dtype), Uniform([], low, 2, 8, dtype));
        }
    }

    private static void Reductions(ResultHash hash)
    {
        foreach (var dtype in DTypes)
        foreach (int length in Lengths)
        {
            hash.Label($"reductions {dtype} {length}");
            Tensor Rows() => Uniform([6, length], -3, 3, (ulong)length, dtype);
            ForwardBackward(hash, xs => xs[0].Sum(), Rows());
            ForwardBackward(hash, xs => xs[0].Sum(1), Rows());
            ForwardBackward(hash, xs => xs[0].Sum(0, keepDims: true), Rows());
            ForwardBackward(hash, xs => xs[0].Mean(1), Rows());
            ForwardBackward(hash, xs => xs[0].Mean(), Rows());
            ForwardBackward(hash, xs => xs[0].Max(1), Rows());
            ForwardBackward(hash, xs => xs[0].Max(0), Rows());
            ForwardBackward(hash, xs => xs[0].Softmax(1), Rows());
            ForwardBackward(hash, xs => xs[0].Softmax(0), Rows());
            ForwardBackward(hash, xs => xs[0].LogSoftmax(1), Rows());
            ForwardBackward(hash, xs => xs[0].LogSoftmax(0), Rows());
            hash.Add(Tensor.FromArray(Rows().ArgMax(1).Select(i => (double)i).ToArray()));
        }
        // Long sums: millions of terms through the blocked, double-lane paths.
        foreach (var dtype in DTypes)
            ForwardBackward(hash, xs => xs[0].Sum(0), Uniform([4099, 257], -1, 1, 11, dtype));
        ForwardBackward(hash, xs => xs[0].Sum(), Uniform([3_000_001], -1, 1, 12, DType.Float32));
    }

    private static void Products(ResultHash hash)
    {
        // (m, k, n): vectors and thin products, small and odd sizes, blocked ones, ones large enough to split across
        // threads, and long inner dimensions.
        int[][] sizes =
        [
            [1, 1, 1], [1, 7, 1], [1, 33, 65], [65, 33, 1], [3, 17, 5], [8, 16, 8], [15, 31, 17], [33, 65, 129],
            [64, 784, 128], [129, 257, 65], [256, 300, 256], [7, 4099, 3], [1, 5000, 10], [300, 2, 300],
        ];
        foreach (var dtype in DTypes)
        foreach (var s in sizes)
        {
            hash.Label($"MatMul {dtype} {string.Join("x", s)}");
            ForwardBackward(hash, xs => xs[0].MatMul(xs[1]), Uniform([s[0], s[1]], -1, 1, 21, dtype), Uniform([s[1], s[2]], -1, 1, 22, dtype));
            ForwardBackward(hash, xs => Tensor.Linear(xs[0], xs[1], xs[2]),
                Uniform([s[0], s[1]], -1, 1, 23, dtype), Uniform([s[2], s[1]], -1, 1, 24, dtype), Uniform([s[2]], -1, 1, 25, dtype));
        }
        foreach (var dtype in DTypes)
        {
            hash.Label($"batched MatMul {dtype}");
            ForwardBackward(hash, xs => xs[0].MatMul(xs[1]), Uniform([3, 17, 33], -1, 1, 26, dtype), Uniform([33, 9], -1, 1, 27, dtype));
            ForwardBackward(hash, xs => xs[0].MatMul(xs[1]), Uniform([2, 1, 5, 7], -1, 1, 28, dtype), Uniform([4, 7, 6], -1, 1, 29, dtype));
            ForwardBackward(hash, xs => xs[0].MatMul(xs[1]), Uniform([65], -1, 1, 30, dtype), Uniform([65, 3], -1, 1, 31, dtype));
        }
    }

    private static void Convolutions(ResultHash hash)
    {
        // (input, weight, stride, padding, dilation, groups): odd sizes, strides, dilation, groups, "same" with an even
        // kernel, products large enough to split across threads, and a batch of three chunks (7, 7 and 2 images of
        // 144 × 256 columns), whose weight gradient adds the chunks' partials.
        (int[] X, int[] W, int Stride, Padding2d Padding, int Dilation, int Groups)[] cases =
        [
            ([2, 3, 7, 9], [5, 3, 3, 2], 1, 1, 1, 1),
            ([3, 4, 11, 10], [6, 2, 3, 3], 2, (2, 1), 1, 2),
            ([1, 6, 9, 9], [6, 1, 3, 3], 1, "same", 2, 6),
            ([2, 2, 8, 7], [3, 2, 4, 2], 1, "same", 1, 1),
            ([4, 16, 14, 14], [32, 16, 3, 3], 1, 1, 1, 1),
            ([16, 16, 16, 16], [8, 16, 3, 3], 1, "same", 1, 1),
        ];
        foreach (var dtype in DTypes)
        foreach (var c in cases)
        {
            hash.Label($"Conv2d {dtype} x[{string.Join(",", c.X)}] w[{string.Join(",", c.W)}]");
            ForwardBackward(hash, xs => Tensor.Conv2d(xs[0], xs[1], xs[2], c.Stride, c.Padding, c.Dilation, c.Groups),
                Uniform(c.X, -1, 1, 41, dtype), Uniform(c.W, -1, 1, 42, dtype), Uniform([c.W[0]], -1, 1, 43, dtype));
        }
    }

    private static void LayerNorms(ResultHash hash)
    {
        // (input, normalizedShape): rows around the vector widths, two trailing dimensions, and one long row.
        (int[] X, int[] Normalized)[] cases = [([5, 7], [7]), ([3, 17], [17]), ([2, 3, 33], [3, 33]), ([4, 129], [129]), ([2, 4099], [4099])];
        foreach (var dtype in DTypes)
        foreach (var c in cases)
        {
            hash.Label($"LayerNorm {dtype} x[{string.Join(",", c.X)}] over [{string.Join(",", c.Normalized)}]");
            ForwardBackward(hash, xs => Tensor.LayerNorm(xs[0], c.Normalized, xs[1], xs[2]),
                Uniform(c.X, -3, 5, 44, dtype), Uniform(c.Normalized, 0.5, 2, 45, dtype), Uniform(c.Normalized, -1, 1, 46, dtype));
            ForwardBackward(hash, xs => Tensor.LayerNorm(xs[0], c.Normalized, eps: 1e-3), Uniform(c.X, -3, 5, 47, dtype));
        }
    }

    private static void Poolings(ResultHash hash)
    {
        // Odd sizes, strides, padding and dilation, unbatched inputs, and adaptive windows that overlap and repeat.
        foreach (var dtype in DTypes)
        {
            hash.Label($"pooling {dtype}");
            var x = Uniform([2, 3, 11, 9], -1, 1, 61, dtype);
            ForwardBackward(hash, xs => xs[0].MaxPool2d(2), x.Clone());
            ForwardBackward(hash, xs => xs[0].MaxPool2d((3, 2), (2, 1), (1, 1), (2, 3)), x.Clone());
            ForwardBackward(hash, xs => xs[0].AvgPool2d(3, 2, 1), x.Clone());
            ForwardBackward(hash, xs => xs[0].AvgPool2d((2, 3), 1, (1, 1), countIncludePad: false), x.Clone());
            ForwardBackward(hash, xs => xs[0].AdaptiveAvgPool2d((4, 5)), x.Clone());
            ForwardBackward(hash, xs => xs[0].AdaptiveAvgPool2d((13, 2)), Uniform([5, 7, 3], -1, 1, 62, dtype));
        }
    }

    private static void BatchNorms(ResultHash hash)
    {
        // Channel sizes (N × spatial) around the vector widths, [N, C] and [N, C, L] inputs, one large enough for the
        // channels to be split across threads, both modes, and the running statistics a layer keeps after training steps
        // (momentum and the cumulative average).
        int[][] shapes = [[5, 3], [2, 4, 7], [3, 2, 17], [2, 3, 33], [4, 2, 129], [3, 4, 5, 7], [2, 16, 14, 14], [8, 16, 32, 32]];
        foreach (var dtype in DTypes)
        foreach (var shape in shapes)
        {
            hash.Label($"BatchNorm {dtype} x[{string.Join(",", shape)}]");
            int channels = shape[1];
            var runningMean = Uniform([channels], -0.5, 0.5, 71, dtype);
            var runningVar = Uniform([channels], 0.5, 2, 72, dtype);
            ForwardBackward(hash, xs => Tensor.BatchNorm(xs[0], runningMean, runningVar, xs[1], xs[2], training: true),
                Uniform(shape, -3, 5, 73, dtype), Uniform([channels], 0.5, 2, 74, dtype), Uniform([channels], -1, 1, 75, dtype));
            hash.Add(runningMean);
            hash.Add(runningVar);
            ForwardBackward(hash, xs => Tensor.BatchNorm(xs[0], runningMean, runningVar, xs[1], xs[2]),
                Uniform(shape, -3, 5, 76, dtype), Uniform([channels], 0.5, 2, 74, dtype), Uniform([channels], -1, 1, 75, dtype));
            ForwardBackward(hash, xs => Tensor.BatchNorm(xs[0], null, null, training: true), Uniform(shape, -3, 5, 77, dtype));
        }
        foreach (var dtype in DTypes)
        foreach (double? momentum in new double?[] { 0.1, null })
        {
            hash.Label($"BatchNorm2d layer {dtype} momentum {momentum}");
            var layer = new BatchNorm2d(6, momentum: momentum, dtype: dtype);
            for (int step = 0; step < 3; step++) layer.Forward(Uniform([4, 6, 5, 5], -2, 3, (ulong)(80 + step), dtype));
            hash.Add(layer.RunningMean);
            hash.Add(layer.RunningVar);
            layer.Eval();
            hash.Add(layer.Forward(Uniform([1, 6, 5, 5], -2, 3, 90, dtype)));
        }
    }

    private static void SoftmaxHead(ResultHash hash)
    {
        foreach (var dtype in DTypes)
        foreach (int classes in new[] { 2, 10, 17, 129 })
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            hash.Label($"softmax head {dtype} {classes} {reduction}");
            const int Rows = 37;
            var labels = Enumerable.Range(0, Rows).Select(i => i * 7 % classes).ToArray();
            labels[3] = -100; // ignored
            var weight = Uniform([classes], 0.2, 2, 41, dtype);
            var probabilities = Uniform([Rows, classes], 0, 1, 42, dtype);
            probabilities = probabilities / probabilities.Sum(1, keepDims: true);
            Tensor Logits() => Uniform([Rows, classes], -8, 8, 43, dtype);
            ForwardBackward(hash, xs => Losses.SoftmaxCrossEntropy(xs[0], labels, reduction: reduction), Logits());
            ForwardBackward(hash, xs => Losses.SoftmaxCrossEntropy(xs[0], labels, weight, labelSmoothing: 0.1, reduction: reduction), Logits());
            ForwardBackward(hash, xs => Losses.SoftmaxCrossEntropy(xs[0], xs[1], reduction: reduction), Logits(), probabilities.Detach());
            ForwardBackward(hash, xs => Losses.SoftmaxCrossEntropy(xs[0], xs[1], weight, labelSmoothing: 0.2, reduction: reduction), Logits(), probabilities.Detach());
            var spatialLabels = Enumerable.Range(0, 15).Select(i => i * 5 % classes).ToArray(); // [5, classes, 3]: a class axis between two others
            ForwardBackward(hash, xs => Losses.SoftmaxCrossEntropy(xs[0], spatialLabels, reduction: reduction), Uniform([5, classes, 3], -4, 4, 44, dtype));
        }
    }

    private static void SigmoidHead(ResultHash hash)
    {
        foreach (var dtype in DTypes)
        foreach (int length in new[] { 1, 7, 17, 33, 129, 1000, 4099 })
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            hash.Label($"sigmoid head {dtype} {length} {reduction}");
            var targets = Uniform([3, length], 0, 1, 51, dtype);
            var weight = Uniform([3, length], 0.2, 2, 52, dtype);
            var posWeight = Uniform([length], 0.5, 3, 53, dtype);
            Tensor Logits() => Uniform([3, length], -30, 30, 54, dtype);
            ForwardBackward(hash, xs => Losses.SigmoidBinaryCrossEntropy(xs[0], targets, reduction: reduction), Logits());
            ForwardBackward(hash, xs => Losses.SigmoidBinaryCrossEntropy(xs[0], xs[1], reduction: reduction), Logits(), targets.Detach());
            ForwardBackward(hash, xs => Losses.SigmoidBinaryCrossEntropy(xs[0], targets, weight, posWeight, reduction), Logits());
            ForwardBackward(hash, xs => Losses.MeanSquaredError(xs[0].Sigmoid(), xs[1], reduction), Logits(), targets.Detach());
        }
    }

    private static void Optimisers(ResultHash hash)
    {
        var makers = new (string Name, Func<Tensor[], Optimizer> Make)[]
        {
            ("SGD", ps => new Sgd(ps, lr: 0.1)),
            ("SGD momentum", ps => new Sgd(ps, lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01)),
            ("SGD Nesterov", ps => new Sgd(ps, lr: 0.1, momentum: 0.9, nesterov: true, maximize: true)),
            ("Adam", ps => new Adam(ps, lr: 0.01)),
            ("Adam AMSGrad", ps => new Adam(ps, lr: 0.01, weightDecay: 0.1, amsgrad: true)),
            ("AdamW", ps => new AdamW(ps, lr: 0.01, weightDecay: 0.05)),
            ("RMSprop", ps => new RmsProp(ps, lr: 0.01)),
            ("RMSprop centred", ps => new RmsProp(ps, lr: 0.01, momentum: 0.9, centered: true, weightDecay: 0.01)),
        };
        foreach (var (name, make) in makers)
        foreach (var dtype in DTypes)
        {
            hash.Label($"{name} {dtype}");
            var parameters = new[] { Uniform([1031], -1, 1, 61, dtype).RequireGrad(), Uniform([7, 3], -1, 1, 62, dtype).RequireGrad() };
            var optimizer = make(parameters);
            for (int step = 0; step < 5; step++)
            {
                optimizer.ZeroGrad();
                ((parameters[0] * parameters[0]).Sum() + (parameters[1].Exp() * (step + 1)).Sum()).Backward();
                optimizer.Step();
            }
            foreach (var parameter in parameters) hash.Add(parameter);
        }
    }

    private static void ClippingAndDropout(ResultHash hash)
    {
        foreach (var dtype in DTypes)
        foreach (double normType in new[] { 2.0, 1.0, 3.0, double.PositiveInfinity })
        {
            hash.Label($"clip {dtype} {normType}");
            var parameters = new[] { Uniform([4099], -1, 1, 71, dtype).RequireGrad(), Uniform([33], -1, 1, 72, dtype).RequireGrad() };
            foreach (var p in parameters) (p * p * 3).Sum().Backward();
            hash.Add(GradientClipping.ClipGradNorm(parameters, maxNorm: 0.5, normType: normType));
            foreach (var p in parameters) hash.Add(p.Grad);
            GradientClipping.ClipGradValue(parameters, 0.01);
            foreach (var p in parameters) hash.Add(p.Grad);
        }
        foreach (var dtype in DTypes)
        {
            hash.Label($"dropout {dtype}");
            var dropout = new Dropout(0.3, seed: 5);
            ForwardBackward(hash, xs => dropout.Forward(xs[0]), Uniform([17, 33], -1, 1, 73, dtype));
        }
    }

    private static void Training(ResultHash hash)
    {
        var train = FashionMnist.Load(Data.ShippedSubsetTests.ShippedDirectory(), mean: 0.2860f, std: 0.3530f).Take(640);
        foreach (var (name, head) in new (string, Func<Tensor, int[], Tensor>)[]
        {
            ("softmax", (logits, labels) => new SoftmaxHead().Loss(logits, labels)),
            ("sigmoid", (logits, labels) => new SigmoidHead().Loss(logits, Targets.OneHot(labels, 10))),
        })
        {
            hash.Label($"training {name}");
            var model = new Sequential(new Dense(784, 64, seed: 1), new ReLU(), new Dense(64, 10, seed: 2));
            var optimizer = new Adam(model.Parameters(), lr: 1e-3);
            var batches = new DataLoader(train, batchSize: 64, shuffle: true, generator: new Generator(3));
            foreach (var batch in batches)
            {
                optimizer.ZeroGrad();
                var loss = head(model.Forward(batch.Features), batch.Labels);
                loss.Backward();
                optimizer.Step();
                hash.Add(loss.Item());
            }
            foreach (var parameter in model.Parameters()) hash.Add(parameter);
        }
    }
}
