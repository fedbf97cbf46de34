using System.Runtime.CompilerServices;
using MiniNet.Layers;

namespace MiniNet.Tests.Autograd;

/// <summary>
/// Tape.DetectAnomaly: the first op whose forward output or backward gradient holds NaN or ±∞ is named, with its place
/// on the tape, its inputs' shapes and ranges and the line of the test that created it; off, nothing changes.
/// </summary>
public class AnomalyDetectionTests
{
    /// <summary>The line this is called from: the op on the next line is the one an error must point at.</summary>
    private static int NextLine([CallerLineNumber] int line = 0) => line + 1;

    /// <summary>The error's first frame is <paramref name="method"/> of this class, at <paramref name="line"/> of this file.</summary>
    private static void AssertCreatedAt(AnomalyException error, string method, int line)
    {
        string first = error.CreatedAt.Split('\n')[0];
        Assert.StartsWith($"  at {typeof(AnomalyDetectionTests).FullName}", first);
        Assert.Contains(method, first);
        Assert.EndsWith($"{nameof(AnomalyDetectionTests)}.cs:line {line}", first);
        Assert.Contains($"was created at:\n{error.CreatedAt}", error.Message);
    }

    [Fact]
    public void Log_of_a_negative_number_is_named_in_the_forward_pass_with_its_input_and_line()
    {
        var x = Tensor.FromArray([1.0, -1.0, 4.0]).RequireGrad();
        var before = x * 1; // an op recorded just before, to place the Log after it
        AnomalyException? error = null;
        int line = 0;
        using (Tape.DetectAnomaly())
        {
            try
            {
                line = NextLine();
                before.Log();
            }
            catch (AnomalyException caught) { error = caught; }
        }
        Assert.NotNull(error);
        Assert.Equal("Log", error.Op);
        Assert.False(error.InBackward);
        Assert.Equal(-1, error.InputIndex);
        Assert.True(error.TapePosition > before.GradFn!.Position, $"Log at {error.TapePosition}, recorded after Mul at {before.GradFn.Position}");
        Assert.True(double.IsNaN(error.OffendingNumber));
        // ln 1 = 0, ln 4 = 1.38629 (G6): the output's finite range; the NaN is ln(−1).
        Assert.StartsWith($"DetectAnomaly: Log (tape position {error.TapePosition}) returned 1 NaN in its output in the forward pass.", error.Message);
        Assert.Contains("output: shape [3] Float64, finite values in [0, 1.38629], 1 NaN, 0 +Inf, 0 -Inf", error.Message);
        Assert.Contains("input 0: shape [3] Float64, finite values in [-1, 4], 0 NaN, 0 +Inf, 0 -Inf", error.Message);
        Assert.DoesNotContain("passed them on", error.Message); // Log made the NaN: its input was finite
        AssertCreatedAt(error, nameof(Log_of_a_negative_number_is_named_in_the_forward_pass_with_its_input_and_line), line);
    }

    [Fact]
    public void An_op_on_tensors_that_require_no_grad_is_checked_though_not_on_the_tape()
    {
        using var anomaly = Tape.DetectAnomaly();
        var error = Assert.Throws<AnomalyException>(() => Tensor.FromArray([-2.0, 0.0]).Sqrt().Log());
        Assert.Equal("Sqrt", error.Op); // √−2 is NaN; √0 = 0 is fine, and Log never runs
        Assert.Equal(0, error.TapePosition);
        Assert.Contains("Sqrt (not recorded: no input requires grad) returned 1 NaN", error.Message);
    }

    [Fact]
    public void Float32_Exp_overflowing_to_infinity_is_named()
    {
        // e^88 = 1.65e38 still fits below float's 3.40e38; e^89 = 4.49e38 and e^100 do not.
        var x = Tensor.FromArray([1f, 88f, 89f, 100f]).RequireGrad();
        int line;
        AnomalyException error;
        using (Tape.DetectAnomaly())
        {
            line = NextLine();
            error = Assert.Throws<AnomalyException>(() => x.Exp());
        }
        Assert.Equal("Exp", error.Op);
        Assert.Equal(double.PositiveInfinity, error.OffendingNumber);
        Assert.Contains("Exp (tape position", error.Message);
        Assert.Contains("returned 2 +Inf in its output", error.Message);
        Assert.Contains("output: shape [4] Float32, finite values in [2.71828, 1.65164E+38], 0 NaN, 2 +Inf, 0 -Inf", error.Message);
        Assert.Contains("input 0: shape [4] Float32, finite values in [1, 100], 0 NaN, 0 +Inf, 0 -Inf", error.Message);
        AssertCreatedAt(error, nameof(Float32_Exp_overflowing_to_infinity_is_named), line);
    }

    [Fact]
    public void Exp_overflow_is_found_in_backward_when_forward_checks_are_off_as_in_PyTorch()
    {
        var x = Tensor.FromArray([1f, 89f]).RequireGrad();
        int line = NextLine();
        using var anomaly = Tape.DetectAnomaly(checkForward: false);
        var loss = x.Exp().Sum(); // ∞, unchecked in forward
        Assert.Equal(double.PositiveInfinity, loss.Item());
        var error = Assert.Throws<AnomalyException>(() => loss.Backward());
        // Sum's backward gives ones; Exp's gives dx = 1·eˣ = [e, ∞]: the first non-finite gradient.
        Assert.Equal("Exp", error.Op);
        Assert.True(error.InBackward);
        Assert.Equal(0, error.InputIndex);
        Assert.Contains("the backward rule of Exp (tape position", error.Message);
        Assert.Contains("gave input 0 (of 1) a gradient with 1 +Inf", error.Message);
        Assert.Contains("gradient of input 0: shape [2] Float32, finite values in [2.71828, 2.71828], 0 NaN, 1 +Inf, 0 -Inf", error.Message);
        Assert.Contains("gradient flowing into the output: shape [2] Float32, finite values in [1, 1], 0 NaN, 0 +Inf, 0 -Inf", error.Message);
        AssertCreatedAt(error, nameof(Exp_overflow_is_found_in_backward_when_forward_checks_are_off_as_in_PyTorch), line + 1);
    }

    [Fact]
    public void Zero_over_zero_in_a_custom_ops_backward_names_the_op_and_the_input()
    {
        var a = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var b = Tensor.FromArray([3.0, 4.0]).RequireGrad();
        int line = 0;
        AnomalyException error;
        using (Tape.DetectAnomaly())
        {
            line = NextLine();
            var sum = Tape.Function("SumWithBrokenRule", [a, b], xs => xs[0] + xs[1], (g, grads) =>
            {
                grads.Accumulate(a, g);
                grads.Accumulate(b, (g - g) / (g - g)); // 0/0: a rule's bug
            });
            var loss = (sum * 2).Sum();
            error = Assert.Throws<AnomalyException>(() => loss.Backward());
        }
        Assert.Equal("SumWithBrokenRule", error.Op);
        Assert.True(error.InBackward);
        Assert.Equal(1, error.InputIndex);
        Assert.True(double.IsNaN(error.OffendingNumber));
        Assert.Contains("the backward rule of SumWithBrokenRule (tape position", error.Message);
        Assert.Contains("gave input 1 (of 2) a gradient with 2 NaN", error.Message);
        Assert.Contains("gradient of input 1: shape [2] Float64, no finite values, 2 NaN, 0 +Inf, 0 -Inf", error.Message);
        Assert.Contains("gradient flowing into the output: shape [2] Float64, finite values in [2, 2]", error.Message); // d(2·s)/ds
        Assert.Contains("input 0: shape [2] Float64, finite values in [1, 2], 0 NaN, 0 +Inf, 0 -Inf", error.Message);
        Assert.Contains("input 1: shape [2] Float64, finite values in [3, 4], 0 NaN, 0 +Inf, 0 -Inf", error.Message);
        AssertCreatedAt(error, nameof(Zero_over_zero_in_a_custom_ops_backward_names_the_op_and_the_input), line);
        Assert.Equal([2.0, 2.0], a.Grad!.ToArray<double>()); // input 0's gradient was fine, and was written
    }

    [Fact]
    public void A_library_rule_written_as_a_closure_is_named_and_not_the_ops_it_runs_inside()
    {
        // √x at 0 is 0, but its derivative ½·x^(−½) is +∞. Pow's rule computes x^(−½) with tensor ops of its own, which
        // are not checked as forward ops (a backward pass records nothing): the error names Pow's backward.
        var x = Tensor.FromArray([0.0, 4.0]).RequireGrad();
        using var anomaly = Tape.DetectAnomaly();
        var loss = x.Pow(0.5).Sum();
        Assert.Equal(2.0, loss.Item());
        var error = Assert.Throws<AnomalyException>(() => loss.Backward());
        Assert.Equal("Pow", error.Op);
        Assert.True(error.InBackward);
        Assert.Contains("gradient of input 0: shape [2] Float64, finite values in [0.25, 0.25], 0 NaN, 1 +Inf, 0 -Inf", error.Message);
    }

    [Fact]
    public void A_fused_head_handed_an_infinite_logit_is_named_and_told_its_input_was_already_infinite()
    {
        var logits = Tensor.FromArray(new float[,] { { 0f, float.PositiveInfinity }, { 1f, 2f } }).RequireGrad();
        using var anomaly = Tape.DetectAnomaly();
        var error = Assert.Throws<AnomalyException>(() => Losses.SoftmaxCrossEntropy(logits, [0, 1]));
        Assert.Equal("SoftmaxCrossEntropy", error.Op);
        Assert.Contains("input 0: shape [2, 2] Float32, finite values in [0, 2], 0 NaN, 1 +Inf, 0 -Inf", error.Message);
        Assert.Contains("Input 0 already held non-finite values and SoftmaxCrossEntropy passed them on", error.Message);
    }

    [Fact]
    public void A_NaN_left_in_a_leafs_gradient_by_an_earlier_pass_is_reported_before_the_pass()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        x.Grad = Tensor.FromArray([double.NaN, 0.0]);
        using var anomaly = Tape.DetectAnomaly();
        var error = Assert.Throws<AnomalyException>(() => (x * 3).Sum().Backward());
        Assert.Equal("Backward", error.Op);
        Assert.Contains("the gradient already in Grad of a leaf of shape [2], input of Mul", error.Message);
        Assert.Contains("holds 1 NaN before the backward pass begins", error.Message);
    }

    [Fact]
    public void Off_nothing_is_checked_and_NaN_flows_as_in_PyTorch()
    {
        Assert.False(Tape.IsAnomalyEnabled);
        var x = Tensor.FromArray([-1.0, 1.0]).RequireGrad();
        var loss = x.Log().Sum();
        loss.Backward();
        Assert.True(double.IsNaN(loss.Item()));
        Assert.Equal([-1.0, 1.0], x.Grad!.ToArray<double>()); // d ln x = 1/x, NaN only in the forward value
    }

    [Fact]
    public void Ops_under_NoGrad_are_not_checked()
    {
        using var anomaly = Tape.DetectAnomaly();
        using (Tape.NoGrad())
            Assert.True(double.IsNaN(Tensor.FromArray([-1.0]).RequireGrad().Log().Item()));
    }

    [Fact]
    public void Scopes_nest_and_the_innermost_decides_whether_forward_is_checked()
    {
        var negative = Tensor.FromArray([-1.0]).RequireGrad();
        using (Tape.DetectAnomaly())
        {
            using (Tape.DetectAnomaly(checkForward: false))
            {
                Assert.True(Tape.IsAnomalyEnabled);
                Assert.True(double.IsNaN(negative.Log().Item()));
            }
            Assert.True(Tape.IsAnomalyEnabled);
            Assert.Throws<AnomalyException>(() => negative.Log());
        }
        Assert.False(Tape.IsAnomalyEnabled);
        Assert.True(double.IsNaN(negative.Log().Item()));
    }

    [Fact]
    public void The_mode_is_per_thread_like_the_tape()
    {
        using var anomaly = Tape.DetectAnomaly();
        bool otherThreadSawIt = true;
        double otherThreadsLog = 0;
        var thread = new Thread(() =>
        {
            otherThreadSawIt = Tape.IsAnomalyEnabled;
            otherThreadsLog = Tensor.FromArray([-1.0]).RequireGrad().Log().Item();
        });
        thread.Start();
        thread.Join();
        Assert.False(otherThreadSawIt);
        Assert.True(double.IsNaN(otherThreadsLog));
        Assert.Throws<AnomalyException>(() => Tensor.FromArray([-1.0]).RequireGrad().Log());
    }

    [Fact]
    public void Results_are_bit_identical_with_the_mode_on_and_off_for_finite_values()
    {
        static (double Loss, float[][] Gradients) TrainingStep(bool detect)
        {
            var model = new Sequential(new Dense(6, 5, seed: 1), new Tanh(), new Dense(5, 4, seed: 2), new ReLU(), new Dense(4, 3, seed: 3));
            var input = Tensor.Randn([8, 6], seed: 4);
            using var anomaly = detect ? Tape.DetectAnomaly() : null;
            var loss = Losses.SoftmaxCrossEntropy(model.Forward(input).Exp().Log(), [0, 1, 2, 0, 1, 2, 0, 1]);
            loss.Backward();
            return (loss.Item(), [.. model.Parameters().Select(p => p.Grad!.ToArray<float>())]);
        }
        var (lossOff, gradientsOff) = TrainingStep(detect: false);
        var (lossOn, gradientsOn) = TrainingStep(detect: true);
        Assert.Equal(BitConverter.DoubleToInt64Bits(lossOff), BitConverter.DoubleToInt64Bits(lossOn));
        Assert.Equal(gradientsOff.Length, gradientsOn.Length);
        for (int i = 0; i < gradientsOff.Length; i++)
            Assert.Equal(gradientsOff[i].Select(BitConverter.SingleToInt32Bits), gradientsOn[i].Select(BitConverter.SingleToInt32Bits));
    }
}

/// <summary>Off, anomaly detection costs a training step nothing: the step arena's steady step still allocates no byte.</summary>
[Collection(AllocationCollection.Name)]
public class AnomalyDetectionAllocationTests
{
    [Fact]
    public void A_steady_step_allocates_nothing_with_the_mode_off_after_it_was_on()
    {
        var model = new Sequential(new Dense(20, 16, seed: 1), new Tanh(), new Dense(16, 5, seed: 2));
        var optimizer = new MiniNet.Optim.Adam(model.Parameters(), lr: 1e-3) { ErrorIfNonfinite = false };
        var head = new SoftmaxHead();
        var (input, labels) = (Tensor.Randn([8, 20], seed: 3), new[] { 0, 1, 2, 3, 4, 0, 1, 2 });
        var arena = new StepArena();
        Tensor? lastLoss = null;
        void TrainingStep()
        {
            optimizer.ZeroGrad();
            var loss = head.Loss(model.Forward(input), labels);
            lastLoss = loss;
            loss.Backward(retainGraph: true); // keeps the entry, to look at it below
            optimizer.Step();
        }
        // The arena's entries are filled on while the mode is on: each keeps a stack trace, which must not outlive the mode.
        using (Tape.DetectAnomaly())
            for (int step = 0; step < 3; step++)
                using (arena.Step()) TrainingStep();
        long fewestBytes = long.MaxValue;
        for (int step = 0; step < 12; step++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (arena.Step()) TrainingStep();
            fewestBytes = Math.Min(fewestBytes, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, fewestBytes);
        Assert.Null(lastLoss!.GradFn!.CreatedAt); // refilled with the mode off: no trace taken
    }
}
