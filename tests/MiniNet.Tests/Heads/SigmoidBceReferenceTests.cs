using static MiniNet.Tests.Heads.TorchReferences;

namespace MiniNet.Tests.Heads;

/// <summary>The fused sigmoid binary cross-entropy against PyTorch's BCEWithLogitsLoss (float64 references, see TorchReferences).</summary>
public class SigmoidBceReferenceTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        for (int i = 0; i < BceCases.Length; i++)
            data.Add($"weight {BceCases[i].Weight}, posWeight {(BceCases[i].PosWeight ? "[2, 0.5, 3]" : "none")}, {BceCases[i].Reduction}", i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_and_gradients_match_PyTorch_in_float64(string options, int index)
    {
        var (loss, logits, targets) = Run(index, DType.Float64);
        var expected = BceCases[index];
        HeadAssert.Close(expected.Loss, loss, 1e-6, what: $"{options}: loss");
        HeadAssert.Close(expected.GradLogits, logits.Grad!, 1e-6, what: $"{options}: ∂loss/∂logits");
        HeadAssert.Close(expected.GradTargets, targets.Grad!, 1e-6, what: $"{options}: ∂loss/∂targets");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_and_gradients_match_PyTorch_in_float32(string options, int index)
    {
        // float32 rounds the inputs (1e-3, 0.3, …) and every step: a few float ulps, relative to the largest term.
        var (loss, logits, targets) = Run(index, DType.Float32);
        var expected = BceCases[index];
        HeadAssert.Close(expected.Loss, loss, 1e-5, 1e-5 * Scale(expected.Loss), $"{options}: loss");
        HeadAssert.Close(expected.GradLogits, logits.Grad!, 1e-5, 1e-6 * Scale(expected.GradLogits), $"{options}: ∂loss/∂logits");
        HeadAssert.Close(expected.GradTargets, targets.Grad!, 1e-5, 1e-6 * Scale(expected.GradTargets), $"{options}: ∂loss/∂targets");
    }

    private static (Tensor Loss, Tensor Logits, Tensor Targets) Run(int index, DType dtype)
    {
        var c = BceCases[index];
        var logits = HeadAssert.Make(BceLogits, [4, 3], dtype).RequireGrad();
        var targets = HeadAssert.Make(BceTargets, [4, 3], dtype).RequireGrad();
        var weight = c.Weight switch
        {
            "PerElement" => HeadAssert.Make(BceWeightPerElement.Values, BceWeightPerElement.Shape, dtype),
            "PerClass" => HeadAssert.Make(BceWeightPerClass.Values, BceWeightPerClass.Shape, dtype),
            "PerRow" => HeadAssert.Make(BceWeightPerRow.Values, BceWeightPerRow.Shape, dtype),
            _ => null,
        };
        var posWeight = c.PosWeight ? HeadAssert.Make(BcePosWeight, [3], dtype) : null;
        var loss = Losses.SigmoidBinaryCrossEntropy(logits, targets, weight, posWeight, c.Reduction);
        if (c.Reduction == Reduction.None) loss.Backward(HeadAssert.Make(BceSeed, [4, 3], dtype));
        else loss.Backward();
        return (loss, logits, targets);
    }

    private static double Scale(double[] values) => values.Max(Math.Abs);
}
