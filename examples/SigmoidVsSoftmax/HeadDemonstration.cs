using System.Globalization;
using MiniNet.Data;

namespace MiniNet.Examples.SigmoidVsSoftmax;

/// <summary>
/// The printed demonstrations beside the experiment: softmax and sigmoid rows of the same logits, the binary
/// case where the two heads agree, and why squared error on a sigmoid stalls.
/// </summary>
internal static class HeadDemonstration
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// For each test image: its logits z under the softmax+CE model, softmax(z) (sums to 1) and σ(z) of the
    /// same logits (does not), and σ of the sigmoid+BCE model's own logits, with each row's sum.
    /// </summary>
    public static void PrintRows(TextWriter output, Tensor softmaxModelLogits, Tensor sigmoidModelLogits, int[] labels)
    {
        int classes = softmaxModelLogits.Shape[1];
        output.WriteLine("Same logits, two squashings (first test images; z = the softmax+CE model's logits):");
        output.WriteLine("  classes: " + string.Join(", ", Enumerable.Range(0, classes).Select(k => $"{k} {FashionMnist.ClassNames[k]}")));
        var softmax = softmaxModelLogits.Softmax(-1);
        var sigmoid = softmaxModelLogits.Sigmoid();
        var ownSigmoid = sigmoidModelLogits.Sigmoid();
        string header = "  " + "".PadRight(22) + string.Concat(Enumerable.Range(0, classes).Select(k => k.ToString(Invariant).PadLeft(8))) + "       sum";
        for (int i = 0; i < labels.Length; i++)
        {
            output.WriteLine();
            output.WriteLine($"  test image {i + 1}: {FashionMnist.ClassNames[labels[i]]} (class {labels[i]})");
            output.WriteLine(header);
            PrintRow(output, "z", softmaxModelLogits, i, "0.00", withSum: false);
            PrintRow(output, "softmax(z)", softmax, i, "0.0000", withSum: true);
            PrintRow(output, "sigmoid(z)", sigmoid, i, "0.0000", withSum: true);
            PrintRow(output, "sigmoid+BCE model σ", ownSigmoid, i, "0.0000", withSum: true);
        }
        output.WriteLine();
        output.WriteLine("  softmax(z) sums to 1 by construction: one distribution over exclusive classes. σ(z) squashes each logit");
        output.WriteLine("  on its own, so a row may sum to anything between 0 and 10. The sigmoid+BCE model's rows come out near 1");
        output.WriteLine("  because its one-hot targets did, not because anything ties its outputs together: where it is unsure they drift.");
    }

    private static void PrintRow(TextWriter output, string name, Tensor values, int row, string format, bool withSum)
    {
        int classes = values.Shape[1];
        var line = "  " + name.PadRight(22);
        double sum = 0;
        for (int k = 0; k < classes; k++)
        {
            double value = values.At(row, k);
            sum += value;
            line += value.ToString(format, Invariant).PadLeft(8);
        }
        if (withSum) line += sum.ToString("0.000000", Invariant).PadLeft(10);
        output.WriteLine(line);
    }

    /// <summary>
    /// The binary case in float64: σ(a − b) beside softmax([a, b])₀, and the fused heads' gradients, p − y for both.
    /// </summary>
    public static void PrintBinaryCase(TextWriter output)
    {
        output.WriteLine("Binary case: one sigmoid logit z = a − b, or a two-way softmax over [a, b] (float64):");
        output.WriteLine($"  {"a",6} {"b",4}  {"σ(a − b)",-24} {"softmax([a, b])₀",-24} {"relative difference",19}");
        (double A, double B)[] pairs = [(-20, 0), (-4, 0), (-1, 0), (0, 0), (0.25, 0), (1, 0), (4, 0), (20, 0), (2.5, 4), (100, 97)];
        foreach (var (a, b) in pairs)
        {
            double sigmoid = Tensor.FromArray([a - b]).Sigmoid().At(0);
            double softmax = Tensor.FromArray(new[,] { { a, b } }).Softmax(-1).At(0, 0);
            output.WriteLine($"  {Short(a),6} {Short(b),4}  {Full(sigmoid),-24} {Full(softmax),-24} {Difference(sigmoid, softmax, relative: true),19}");
        }
        output.WriteLine();
        output.WriteLine("  Their gradients when the answer is \"yes\" (target 1 for the sigmoid, class 0 for the softmax): p − y for both.");
        output.WriteLine($"  {"z",6}       {"∂BCE(σ(z), 1)/∂z",-24} {"∂CE(softmax([z, 0]), 0)/∂z₀",-28} {"absolute difference",19}");
        foreach (double z in new double[] { -20, -4, -1, 0, 1, 4, 20 })
        {
            var logit = Tensor.FromArray([z]).RequireGrad();
            Losses.SigmoidBinaryCrossEntropy(logit, Tensor.FromArray([1.0]), reduction: Reduction.Sum).Backward();
            var pair = Tensor.FromArray(new[,] { { z, 0.0 } }).RequireGrad();
            Losses.SoftmaxCrossEntropy(pair, [0], reduction: Reduction.Sum).Backward();
            double bce = logit.Grad!.At(0), ce = pair.Grad!.At(0, 0);
            output.WriteLine($"  {Short(z),6}       {Full(bce),-24} {Full(ce),-28} {Difference(bce, ce, relative: false),19}");
        }
        output.WriteLine();
        output.WriteLine("  The identity softmax([a, b])₀ = 1/(1 + e^(b − a)) = σ(a − b) is exact; the kernels round differently");
        output.WriteLine("  (σ takes e·(1/(1 + e)) for negative logits, softmax e/(1 + e), each with its own exp), so the last bit");
        output.WriteLine("  may differ. The softmax gradient is formed as p − 1, exact to 1e-16 of 1; BCE's kernel forms −σ(−z) for y = 1,");
        output.WriteLine("  exact relative to itself — hence the tiny absolute differences where p is near 1. A single sigmoid is a");
        output.WriteLine("  two-class softmax with the second logit pinned to 0, and both gradients are p − y, however wrong p is.");
    }

    /// <summary>
    /// Why (c) stalls, with the gradients at a few probabilities and the saturation this run measured.
    /// </summary>
    public static void PrintSaturationExplanation(TextWriter output, EpochResult bceStart, EpochResult bceEnd, EpochResult mseStart, EpochResult mseEnd)
    {
        double[] probabilities = [0.5, 0.1, 0.01, 0.001];
        output.WriteLine("Why sigmoid + squared error stalls: the gradient that reaches a logit z with p = σ(z) and target y is");
        output.WriteLine("  fused heads (a), (b):   ∂ℓ/∂z = p − y");
        output.WriteLine("  sigmoid + MSE (c):      ∂ℓ/∂z = 2(p − y)·p·(1 − p)");
        output.WriteLine($"  {"target y = 1, p =",-22}" + string.Concat(probabilities.Select(p => p.ToString("0.###", Invariant).PadLeft(10))));
        output.WriteLine($"  {"p − y",-22}" + string.Concat(probabilities.Select(p => (p - 1).ToString("0.0000", Invariant).PadLeft(10))));
        output.WriteLine($"  {"2(p − y)·p·(1 − p)",-22}" + string.Concat(probabilities.Select(p => (2 * (p - 1) * p * (1 - p)).ToString("0.0000", Invariant).PadLeft(10))));
        output.WriteLine("  The more confidently wrong an output is, the harder the fused heads push it back, and the less squared");
        output.WriteLine("  error does: its factor p·(1 − p) vanishes as p nears 0 or 1, right or wrong.");
        output.WriteLine($"  Here, from the saturated start, {Percent(mseStart.SaturatedWrong)} of the sigmoid outputs began saturated on the wrong side.");
        output.WriteLine($"  With binary cross-entropy that share fell to {Percent(bceEnd.SaturatedWrong)} by epoch {bceEnd.Epoch} (test accuracy {bceEnd.TestAccuracy:0.0000});");
        output.WriteLine($"  with squared error it was still {Percent(mseEnd.SaturatedWrong)} (test accuracy {mseEnd.TestAccuracy:0.0000}), and the gradient norm at its logits");
        output.WriteLine($"  was {mseEnd.LogitGradientNorm:0.00000} against {bceEnd.LogitGradientNorm:0.00000} (at the start: {mseStart.LogitGradientNorm:0.00000} against {bceStart.LogitGradientNorm:0.00000}).");
    }

    /// <summary>A share as a percentage with three decimals.</summary>
    public static string Percent(double share) => (100 * share).ToString("0.000", Invariant) + "%";

    private static string Short(double value) => value.ToString("0.##", Invariant);

    /// <summary>A float64 with 17 significant digits: every bit shows.</summary>
    private static string Full(double value) => value.ToString("G17", Invariant);

    /// <summary>|x − y|, relative to the larger magnitude when asked; "0" when the two are the same double.</summary>
    private static string Difference(double x, double y, bool relative)
    {
        if (x == y) return "0";
        double difference = Math.Abs(x - y) / (relative ? Math.Max(Math.Abs(x), Math.Abs(y)) : 1);
        return difference.ToString("0.0e+00", Invariant);
    }
}
