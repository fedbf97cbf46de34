namespace MiniNet.Tests.Heads;

/// <summary>
/// Both fused heads' backward rules against finite differences (float64, PyTorch's gradcheck tolerances) for
/// every option and reduction, on shapes from one row (and, for the sigmoid head, one class) to 1000 classes.
/// </summary>
public class HeadGradCheckTests
{
    private static readonly Reduction[] Reductions = [Reduction.Mean, Reduction.Sum, Reduction.None];

    public static TheoryData<string, string, bool, Reduction, bool> SigmoidCases()
    {
        var data = new TheoryData<string, string, bool, Reduction, bool>();
        foreach (string shape in new[] { "1x1", "1x5", "4x3", "3x1", "2x3x4", "scalar", "2x1000" })
        foreach (string weight in new[] { "none", "per element", "per class", "per row" })
        foreach (bool posWeight in new[] { false, true })
        foreach (var reduction in Reductions)
        foreach (bool targetsRequireGrad in new[] { false, true })
            data.Add(shape, weight, posWeight, reduction, targetsRequireGrad);
        return data;
    }

    [Theory]
    [MemberData(nameof(SigmoidCases))]
    public void SigmoidBce_backward_agrees_with_finite_differences(string shape, string weight, bool posWeight, Reduction reduction, bool targetsRequireGrad)
    {
        int[] dims = shape == "scalar" ? [] : shape.Split('x').Select(int.Parse).ToArray();
        int classes = dims.Length == 0 ? 1 : dims[^1];
        var random = new Generator((ulong)(dims.Sum() * 31 + weight.Length));
        var logits = (Tensor.Normal(dims, 0, 3, random, DType.Float64)).RequireGrad();
        // Soft targets strictly inside (0, 1) when they are differentiated (a step of eps must stay a probability), else 0/1.
        var targets = targetsRequireGrad
            ? Tensor.Uniform(dims, 0.05, 0.95, random, DType.Float64).RequireGrad()
            : Bernoulli(dims, random);
        int[] rowDims = dims.Length == 0 ? [] : [.. dims[..^1], 1];
        int[] classDims = dims.Length == 0 ? [] : [classes]; // a scalar logit has no class axis: its "per class" weight is a scalar
        var weights = weight switch
        {
            "per element" => Tensor.Uniform(dims, 0.2, 2, random, DType.Float64),
            "per class" => Tensor.Uniform(classDims, 0.2, 2, random, DType.Float64),
            "per row" => Tensor.Uniform(rowDims, 0.2, 2, random, DType.Float64),
            _ => null,
        };
        var posWeights = posWeight ? Tensor.Uniform(classDims, 0.5, 4, random, DType.Float64) : null;
        var options = new GradCheckOptions { FastMode = logits.ElementCount > 100 };
        GradCheck.Assert(xs => Losses.SigmoidBinaryCrossEntropy(xs[0], xs[1], weights, posWeights, reduction), [logits, targets], options);
    }

    public static TheoryData<string, string, bool, double, bool, Reduction> SoftmaxCases()
    {
        var data = new TheoryData<string, string, bool, double, bool, Reduction>();
        foreach (string shape in new[] { "1x3", "4x5", "5", "2x3x4", "2x1000" })
        foreach (string targets in new[] { "int[]", "index tensor", "probabilities", "probabilities with grad" })
        foreach (bool weight in new[] { false, true })
        foreach (double smoothing in new[] { 0.0, 0.2 })
        foreach (bool ignore in new[] { false, true })
        foreach (var reduction in Reductions)
        {
            if (ignore && (targets.StartsWith("probabilities") || shape is "1x3" or "5")) continue; // ignoring needs index targets and a row to keep
            data.Add(shape, targets, weight, smoothing, ignore, reduction);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SoftmaxCases))]
    public void SoftmaxCrossEntropy_backward_agrees_with_finite_differences(string shape, string targets, bool weight, double smoothing, bool ignore, Reduction reduction)
    {
        int[] dims = shape.Split('x').Select(int.Parse).ToArray();
        int classAxis = dims.Length == 1 ? 0 : 1;
        int classes = dims[classAxis];
        var random = new Generator((ulong)(dims.Sum() * 17 + targets.Length));
        var logits = Tensor.Normal(dims, 0, 3, random, DType.Float64).RequireGrad();
        var weights = weight ? Tensor.Uniform([classes], 0.2, 2, random, DType.Float64) : null;
        var options = new GradCheckOptions { FastMode = logits.ElementCount > 100 };
        if (targets.StartsWith("probabilities"))
        {
            // All entries > 0, so that a step of eps keeps every row a distribution.
            var probabilities = Tensor.Normal(dims, 0, 1, random, DType.Float64).Detach().Softmax(classAxis);
            if (targets.EndsWith("grad")) probabilities.RequireGrad();
            GradCheck.Assert(xs => Losses.SoftmaxCrossEntropy(xs[0], xs[1], weights, labelSmoothing: smoothing, reduction: reduction),
                [logits, probabilities], options);
            return;
        }
        int rows = logits.ElementCount / classes;
        var labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = ignore && r % 3 == 1 ? -100 : (int)(random.NextDouble() * classes);
        if (targets == "int[]")
            GradCheck.Assert(xs => Losses.SoftmaxCrossEntropy(xs[0], labels, weights, labelSmoothing: smoothing, reduction: reduction), [logits], options);
        else
        {
            int[] rowDims = dims.Length == 1 ? [] : [.. dims.Where((_, d) => d != classAxis)];
            var indexTensor = Tensor.FromArray(labels.Select(l => (double)l).ToArray(), rowDims);
            GradCheck.Assert(xs => Losses.SoftmaxCrossEntropy(xs[0], indexTensor, weights, labelSmoothing: smoothing, reduction: reduction), [logits], options);
        }
    }

    private static Tensor Bernoulli(int[] dims, Generator random)
    {
        var values = Tensor.Uniform(dims, 0, 1, random, DType.Float64).ToArray<double>();
        return Tensor.FromArray(values.Select(v => v < 0.5 ? 0.0 : 1.0).ToArray(), dims);
    }
}
