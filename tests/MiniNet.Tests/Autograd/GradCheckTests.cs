namespace MiniNet.Tests.Autograd;

/// <summary>GradCheck itself: it passes correct ops, and catches, locates and names wrong ones.</summary>
public class GradCheckTests
{
    /// <summary>x² with a deliberately wrong derivative, 3x instead of 2x (test-only).</summary>
    private static Tensor WrongSquare(Tensor x) => Tape.Function("WrongSquare", [x], xs => xs[0] * xs[0],
        (g, grads) => grads.Accumulate(x, g * x * 3));

    [Fact]
    public void Passes_correct_ops_and_counts_every_Jacobian_entry()
    {
        var a = TestData.Uniform([2, 3], -1, 1, 1);
        var b = TestData.Uniform([3, 2], -1, 1, 2);
        var result = GradCheck.Run(xs => xs[0].MatMul(xs[1]).Tanh(), [a, b]);
        Assert.True(result.Passed, result.Report);
        Assert.Equal(4 * 6 + 4 * 6, result.Comparisons); // a [2,2] output against 6 + 6 input elements
        Assert.Empty(result.Mismatches);
        Assert.Null(result.Worst);
        Assert.StartsWith("GradCheck passed: 48 comparisons within atol 1e-05 + rtol 0.001·|numerical|.", result.Report);
        Assert.Null(a.Grad); // GradCheck leaves no gradients behind
    }

    [Fact]
    public void A_wrong_derivative_is_caught_located_and_named()
    {
        var x = TestData.Uniform([2, 3], 0.5, 1.5, 3);
        var result = GradCheck.Run(t => WrongSquare(t), x);
        Assert.False(result.Passed);

        // The worst element: the largest x, where 3x and 2x differ most.
        var values = x.ToArray<double>();
        int worst = Array.IndexOf(values, values.Max());
        var expectedPosition = new[] { worst / 3, worst % 3 };
        var mismatch = result.Worst!;
        Assert.Equal(0, mismatch.InputIndex);
        Assert.Equal(expectedPosition, mismatch.InputPosition);
        Assert.Equal(expectedPosition, mismatch.OutputPosition);
        Assert.Equal(3 * values[worst], mismatch.Analytic, 1e-12);
        Assert.Equal(2 * values[worst], mismatch.Numerical, 1e-6);
        Assert.Equal(6, result.Mismatches.Count); // every diagonal entry is wrong; off-diagonal ones are 0 = 0

        Assert.StartsWith("WrongSquare", result.SuspectOp);
        var report = result.Report;
        Assert.Contains("GradCheck failed. 6 of 36 Jacobian entries differ", report);
        Assert.Contains($"Worst: input 0 at [{worst / 3}, {worst % 3}], output element [{worst / 3}, {worst % 3}]", report);
        Assert.Contains($"analytic {mismatch.Analytic:R}, numerical {mismatch.Numerical:R}", report);
        Assert.Contains("Suspect: WrongSquare (op 1 of 1 on the tape, output [2, 3])", report);

        var error = Assert.Throws<GradCheckException>(() => GradCheck.Assert(t => WrongSquare(t), x));
        Assert.Equal(report, error.Message);
        Assert.False(error.Result.Passed);
        Assert.Equal(result.Mismatches.Count, error.Result.Mismatches.Count);
    }

    [Fact]
    public void The_suspect_is_the_wrong_op_not_the_correct_ones_around_it()
    {
        var a = TestData.Uniform([3], 0.5, 1.5, 4);
        var b = TestData.Uniform([3], 0.5, 1.5, 5);
        var result = GradCheck.Run(xs => (WrongSquare(xs[0].Exp() * xs[1]).Sigmoid() * 2).Sum(), [a, b]);
        Assert.False(result.Passed);
        Assert.Contains("Suspect: WrongSquare (op 3 of 6 on the tape", result.Report);
    }

    [Fact]
    public void Fast_mode_catches_a_wrong_derivative_too()
    {
        var x = TestData.Uniform([4, 5], 0.5, 1.5, 6);
        var options = new GradCheckOptions { FastMode = true };
        Assert.True(GradCheck.Run(t => (t * t).Sum(1), x, options).Passed);
        var result = GradCheck.Run(t => WrongSquare(t).Sum(1), x, options);
        Assert.False(result.Passed);
        Assert.Equal(1, result.Comparisons); // one projection vᵀJu per input
        Assert.Null(result.Worst!.InputPosition);
        Assert.Contains("1 of 1 projections vᵀJu differ", result.Report);
        Assert.Contains("Suspect: WrongSquare", result.Report);
    }

    [Fact]
    public void A_non_deterministic_backward_is_caught()
    {
        // The right derivative, times (1 + 1e-13·calls): every Jacobian entry is within tolerance, but two runs differ.
        int calls = 0;
        Tensor Drifting(Tensor x) => Tape.Function("Drifting", [x], xs => xs[0] * xs[0],
            (g, grads) => grads.Accumulate(x, g * x * (2 * (1 + 1e-13 * ++calls))));
        var result = GradCheck.Run(Drifting, TestData.Uniform([3], 0.5, 1.5, 7));
        Assert.False(result.Passed);
        Assert.Empty(result.Mismatches);
        Assert.Contains("Backward is not deterministic: a second run gave different bits for input 0.", result.Report);
        Assert.Contains("Suspect: Drifting", result.Report);
    }

    [Fact]
    public void A_rule_that_adds_a_constant_is_caught_by_the_zero_gradient_check()
    {
        // dx += 2x·g + 1e-9: within tolerance of the Jacobian, but a zero output gradient gives 1e-9, not 0.
        Tensor Biased(Tensor x) => Tape.Function("Biased", [x], xs => xs[0] * xs[0],
            (g, grads) => grads.Accumulate(x, g * x * 2 + 1e-9));
        var result = GradCheck.Run(Biased, TestData.Uniform([3], 0.5, 1.5, 8));
        Assert.False(result.Passed);
        Assert.Empty(result.Mismatches);
        Assert.Contains("A zero output gradient gave a non-zero gradient (1E-09) for input 0", result.Report);
        Assert.Contains("Suspect: Biased", result.Report);
    }

    [Fact]
    public void Custom_tolerances_are_honoured()
    {
        // A derivative 1% too large: outside the default rtol 1e-3, inside rtol 2e-2, and inside atol 0.1.
        Tensor Off(Tensor x) => Tape.Function("OnePercentOff", [x], xs => xs[0] * xs[0],
            (g, grads) => grads.Accumulate(x, g * x * 2.02));
        var x = TestData.Uniform([4], 0.5, 1.5, 9);
        Assert.False(GradCheck.Run(Off, x).Passed);
        Assert.True(GradCheck.Run(Off, x, new GradCheckOptions { Rtol = 2e-2 }).Passed);
        Assert.True(GradCheck.Run(Off, x, new GradCheckOptions { Atol = 0.1 }).Passed);
        Assert.False(GradCheck.Run(Off, x, new GradCheckOptions { Rtol = 5e-3 }).Passed);
        var report = GradCheck.Run(Off, x, new GradCheckOptions { Atol = 1e-7, Rtol = 1e-4 }).Report;
        Assert.Contains("beyond atol 1e-07 + rtol 0.0001·|numerical|", report);
    }

    [Fact]
    public void Inputs_that_do_not_require_grad_are_treated_as_constants()
    {
        var x = TestData.Uniform([2, 3], -1, 1, 10);
        var constant = TestData.Uniform([2, 3], -1, 1, 11, requiresGrad: false);
        // A wrong rule for the constant would not matter: only x is checked.
        var result = GradCheck.Run(xs => xs[0] * xs[1], [x, constant]);
        Assert.True(result.Passed, result.Report);
        Assert.Equal(6 * 6, result.Comparisons);
        Assert.Null(constant.Grad);
    }

    [Fact]
    public void A_function_independent_of_its_inputs_has_a_zero_Jacobian()
    {
        var x = TestData.Uniform([3], -1, 1, 12);
        Assert.True(GradCheck.Run(_ => Tensor.Ones([2], DType.Float64), x).Passed);
    }

    [Fact]
    public void Float32_inputs_are_refused_with_the_reason()
    {
        var x = Tensor.Ones([3]).RequireGrad();
        var error = Assert.Throws<ArgumentException>(() => GradCheck.Run(t => t * 2, x));
        Assert.Contains("GradCheck: input 0 ([3]) is Float32; gradient checks need Float64", error.Message);
        Assert.Contains("2·eps = 2e-6", error.Message);
        Assert.Contains("rounding error", error.Message);
        Assert.Contains("To(DType.Float64)", error.Message);
    }

    [Fact]
    public void No_input_requiring_grad_and_a_float32_output_are_refused()
    {
        var constant = TestData.Uniform([3], -1, 1, 13, requiresGrad: false);
        Assert.Contains("no input requires grad", Assert.Throws<ArgumentException>(() => GradCheck.Run(t => t * 2, constant)).Message);
        var x = TestData.Uniform([3], -1, 1, 14);
        var error = Assert.Throws<ArgumentException>(() => GradCheck.Run(t => t.To(DType.Float32), x));
        Assert.Contains("the function returned Float32; it must compute in Float64", error.Message);
    }

    [Fact]
    public void GradCheck_restores_its_inputs_bit_for_bit()
    {
        var x = TestData.Uniform([2, 3], -1, 1, 15);
        var before = x.ToArray<double>();
        GradCheck.Run(t => WrongSquare(t), x);
        GradCheck.Run(t => WrongSquare(t), x, new GradCheckOptions { FastMode = true });
        Assert.Equal(before, x.ToArray<double>());
    }
}
