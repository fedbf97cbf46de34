using static MiniNet.Tests.Heads.TorchReferences;

namespace MiniNet.Tests.Heads;

/// <summary>The fused softmax cross-entropy against PyTorch's CrossEntropyLoss (float64 references, see TorchReferences).</summary>
public class SoftmaxCrossEntropyReferenceTests
{
    public static TheoryData<string, int, string> Cases()
    {
        var data = new TheoryData<string, int, string>();
        for (int i = 0; i < CeCases.Length; i++)
        {
            var c = CeCases[i];
            string options = $"{c.Targets}, weight {(c.Weight ? "[0.7, 1.3, 0.4, 2]" : "none")}, ε {c.Smoothing}, {c.Reduction}";
            if (c.Targets == "Probabilities") data.Add(options, i, "probability tensor");
            else
            {
                data.Add(options, i, "int[]");
                data.Add(options, i, "index tensor");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_and_gradients_match_PyTorch_in_float64(string options, int index, string targetsAs)
    {
        var c = CeCases[index];
        var logits = HeadAssert.Make(CeLogits, [5, 4]).RequireGrad();
        var weight = c.Weight ? HeadAssert.Make(CeWeight, [4]) : null;
        Tensor? probabilities = null;
        Tensor loss;
        if (targetsAs == "probability tensor")
        {
            probabilities = HeadAssert.Make(CeProbabilities, [5, 4]).RequireGrad();
            loss = Losses.SoftmaxCrossEntropy(logits, probabilities, weight, labelSmoothing: c.Smoothing, reduction: c.Reduction);
        }
        else
        {
            int[] labels = c.Targets switch { "Labels" => CeLabels, "LabelsWithIgnored" => CeLabelsWithIgnored, _ => CeAllIgnored };
            loss = targetsAs == "int[]"
                ? Losses.SoftmaxCrossEntropy(logits, labels, weight, labelSmoothing: c.Smoothing, reduction: c.Reduction)
                : Losses.SoftmaxCrossEntropy(logits, Tensor.FromArray(labels.Select(l => (double)l).ToArray()), weight,
                    labelSmoothing: c.Smoothing, reduction: c.Reduction);
        }
        if (c.Reduction == Reduction.None) loss.Backward(HeadAssert.Make(CeSeed, [5]));
        else loss.Backward();

        HeadAssert.Close(c.Loss, loss, 1e-9, what: $"{options}: loss");
        HeadAssert.Close(c.GradLogits, logits.Grad!, 1e-9, 1e-15, $"{options}: ∂loss/∂logits");
        if (probabilities is not null) HeadAssert.Close(c.GradTargets, probabilities.Grad!, 1e-9, what: $"{options}: ∂loss/∂targets");
    }

    [Fact]
    public void Every_row_ignored_gives_NaN_mean_and_zero_gradient_as_PyTorch()
    {
        var logits = HeadAssert.Make(CeLogits, [5, 4]).RequireGrad();
        var loss = Losses.SoftmaxCrossEntropy(logits, CeAllIgnored);
        loss.Backward();
        Assert.True(double.IsNaN(loss.Item()));
        Assert.All(HeadAssert.Values(logits.Grad!), g => Assert.Equal(0.0, g));
    }

    public static TheoryData<string, int> NdCaseNames()
    {
        var data = new TheoryData<string, int>();
        for (int i = 0; i < NdCases.Length; i++) data.Add($"{NdCases[i].Targets}, {NdCases[i].Reduction}", i);
        return data;
    }

    [Theory]
    [MemberData(nameof(NdCaseNames))]
    public void Class_axis_1_of_N_C_d_matches_PyTorch(string options, int index)
    {
        var c = NdCases[index];
        var logits = HeadAssert.Make(NdLogits, [2, 3, 2]).RequireGrad();
        var weight = HeadAssert.Make([0.5, 1.0, 2.0], [3]);
        Tensor? probabilities = c.Targets == "Probabilities" ? HeadAssert.Make(NdProbabilities, [2, 3, 2]).RequireGrad() : null;
        var loss = probabilities is null
            ? Losses.SoftmaxCrossEntropy(logits, NdLabels, weight, labelSmoothing: 0.1, reduction: c.Reduction)
            : Losses.SoftmaxCrossEntropy(logits, probabilities, weight, labelSmoothing: 0.1, reduction: c.Reduction);
        if (c.Reduction == Reduction.None)
        {
            Assert.Equal([2, 2], loss.Shape.ToArray());
            loss.Backward(HeadAssert.Make(NdSeed, [2, 2]));
        }
        else loss.Backward();
        HeadAssert.Close(c.Loss, loss, 1e-9, what: $"{options}: loss");
        HeadAssert.Close(c.GradLogits, logits.Grad!, 1e-9, 1e-15, $"{options}: ∂loss/∂logits");
        if (probabilities is not null) HeadAssert.Close(c.GradTargets, probabilities.Grad!, 1e-9, what: $"{options}: ∂loss/∂targets");
    }

    [Fact]
    public void A_single_example_of_shape_C_matches_PyTorch()
    {
        var logits = HeadAssert.Make(OneLogits, [3]).RequireGrad();
        var loss = Losses.SoftmaxCrossEntropy(logits, [2], labelSmoothing: 0.2);
        loss.Backward();
        Assert.Equal(0, loss.Rank);
        HeadAssert.Close(OneLabel2Smoothing02.Loss, loss, 1e-12, what: "loss");
        HeadAssert.Close(OneLabel2Smoothing02.GradLogits, logits.Grad!, 1e-12, what: "∂loss/∂logits");

        var viaTensor = Losses.SoftmaxCrossEntropy(logits.Detach(), Tensor.Scalar(2, DType.Float64), labelSmoothing: 0.2);
        Assert.Equal(loss.Item(), viaTensor.Item());
    }

    [Fact]
    public void Float32_agrees_with_the_float64_references()
    {
        foreach (var c in CeCases.Where(c => c.Targets != "AllIgnored"))
        {
            var logits = HeadAssert.Make(CeLogits, [5, 4], DType.Float32).RequireGrad();
            var weight = c.Weight ? HeadAssert.Make(CeWeight, [4], DType.Float32) : null;
            var loss = c.Targets == "Probabilities"
                ? Losses.SoftmaxCrossEntropy(logits, HeadAssert.Make(CeProbabilities, [5, 4], DType.Float32), weight, labelSmoothing: c.Smoothing, reduction: c.Reduction)
                : Losses.SoftmaxCrossEntropy(logits, c.Targets == "Labels" ? CeLabels : CeLabelsWithIgnored, weight, labelSmoothing: c.Smoothing, reduction: c.Reduction);
            if (c.Reduction == Reduction.None) loss.Backward(HeadAssert.Make(CeSeed, [5], DType.Float32));
            else loss.Backward();
            string options = $"{c.Targets}, weight {c.Weight}, ε {c.Smoothing}, {c.Reduction}";
            // 1e4 in a logit leaves float32 about 1e-3 absolute: the loss is exact to that, relative to the largest term.
            HeadAssert.Close(c.Loss, loss, 1e-6, 1e-6 * c.Loss.Max(Math.Abs), $"float32 {options}: loss");
            HeadAssert.Close(c.GradLogits, logits.Grad!, 1e-5, 1e-7, $"float32 {options}: ∂loss/∂logits");
        }
    }
}
