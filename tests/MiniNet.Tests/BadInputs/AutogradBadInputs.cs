namespace MiniNet.Tests.BadInputs;

/// <summary>The tape: backward, custom functions, gradient checks and concurrent use.</summary>
internal static class AutogradBadInputs
{
    private const string Area = "Autograd";

    private static Tensor Parameter() => Tensor.FromArray([1.0, 2.0, 3.0]).RequireGrad();

    public static IEnumerable<BadInput> Rows() =>
    [
        BadInput.Of<AnomalyException>(Area, "DetectAnomaly: the log of a negative number", () =>
        {
            using var anomaly = Tape.DetectAnomaly();
            Tensor.FromArray([2.0, -3.0]).RequireGrad().Log();
        }, "DetectAnomaly: Log (tape position", "returned 1 NaN in its output in the forward pass",
            "input 0: shape [2] Float64, finite values in [-3, 2], 0 NaN, 0 +Inf, 0 -Inf", "Log was created at:\n  at MiniNet.Tests.BadInputs.AutogradBadInputs"),
        BadInput.Of<AnomalyException>(Area, "DetectAnomaly: a custom backward rule that returns infinity", () =>
        {
            using var anomaly = Tape.DetectAnomaly();
            var x = Parameter();
            Tape.Function("Twice", [x], xs => xs[0] * 2, (g, grads) => grads.Accumulate(x, g / 0.0)).Sum().Backward();
        }, "DetectAnomaly: the backward rule of Twice (tape position", "gave input 0 (of 1) a gradient with 3 +Inf",
            "gradient flowing into the output: shape [3] Float64, finite values in [1, 1]"),
        BadInput.Of<InvalidOperationException>(Area, "Backward of a tensor that does not require grad", () => Tensor.Ones([2]).Sum().Backward(),
            "Backward: this tensor of shape [] does not require grad", "Set RequiresGrad = true"),
        BadInput.Of<InvalidOperationException>(Area, "Backward of a non-scalar without a gradient", () => (Parameter() * 2).Backward(),
            "Backward: the tensor has shape [3] (3 elements)", "Backward(gradient)"),
        BadInput.Of<ArgumentException>(Area, "Backward with a gradient of another shape", () => (Parameter() * 2).Backward(Tensor.Ones([2], DType.Float64)),
            "Backward: the gradient must have the output's shape and dtype: expected [3] Float64, got [2] Float64"),
        BadInput.Of<ArgumentException>(Area, "Backward with a gradient of another dtype", () => (Parameter() * 2).Backward(Tensor.Ones([3])),
            "expected [3] Float64, got [3] Float32"),
        BadInput.Of<InvalidOperationException>(Area, "Backward through a freed graph", () =>
        {
            var loss = (Parameter() * 2).Sum();
            loss.Backward();
            loss.Backward();
        }, "Backward: trying to backward through the graph a second time", "retainGraph: true"),
        BadInput.Of<InvalidOperationException>(Area, "a saved tensor changed in place before backward", () =>
        {
            var x = Parameter();
            var y = x.Exp();
            var loss = (y * y).Sum();
            using (Tape.NoGrad()) y.MulInPlace(2);
            loss.Backward();
        }, "Backward: a tensor of shape [3] (Float64) saved by Mul for its backward rule was modified in place", "expected version 0"),
        BadInput.Of<InvalidOperationException>(Area, "an in-place change to a parameter while recording", () => Parameter().MulInPlace(2),
            "MulInPlace: an in-place change to a tensor that requires grad ([3]) is not differentiable", "Tape.NoGrad()"),
        BadInput.Of<InvalidOperationException>(Area, "RequiresGrad set on a non-leaf", () => (Parameter() * 2).RequiresGrad = false,
            "RequiresGrad can only be set on a leaf tensor; this one was produced by Mul", "Detach()"),
        BadInput.Of<InvalidOperationException>(Area, "RetainGrad on a tensor that does not require grad", () => Tensor.Ones([2]).RetainGrad(),
            "RetainGrad: this tensor does not require grad"),
        BadInput.Of<ArgumentException>(Area, "Grad set to a tensor of another shape", () => Parameter().Grad = Tensor.Zeros([2], DType.Float64),
            "Grad: a gradient must match its tensor: expected [3] Float64, got [2] Float64"),
        BadInput.Of<InvalidOperationException>(Area, "a custom rule returning a gradient of another dtype", () =>
        {
            var x = Parameter();
            Tape.Function("Twice", [x], xs => xs[0] * 2, (g, grads) => grads.Accumulate(x, g.To(DType.Float32))).Sum().Backward();
        }, "Backward of Twice: gradient for an input of Float64 is Float32"),
        BadInput.Of<InvalidOperationException>(Area, "a custom rule returning a gradient of another shape", () =>
        {
            var x = Parameter();
            Tape.Function("Twice", [x], xs => xs[0] * 2, (g, grads) => grads.Accumulate(x, Tensor.Ones([4], DType.Float64))).Sum().Backward();
        }, "Backward of Twice: gradient of shape [4] cannot be summed to the input's shape [3]"),
        BadInput.Of<InvalidOperationException>(Area, "RegisterHook on a tensor that does not require grad", () => Tensor.Ones([2]).RegisterHook(g => g),
            "RegisterHook: this tensor of shape [2] does not require grad", "the hook would never run"),
        BadInput.Of<InvalidOperationException>(Area, "a gradient hook returning another shape", () =>
        {
            var y = Parameter() * 2;
            y.RegisterHook(_ => null);
            y.RegisterHook(_ => Tensor.Ones([2], DType.Float64));
            y.Sum().Backward();
        }, "Backward: gradient hook 2 of 2 on a tensor of shape [3] (Float64) returned a gradient of shape [2] (Float64)", "same shape and dtype"),
        BadInput.Of<InvalidOperationException>(Area, "a leaf's gradient hook returning another dtype", () =>
        {
            var x = Parameter();
            x.RegisterHook(g => g.To(DType.Float32));
            x.Sum().Backward();
        }, "gradient hook 1 of 1 on a tensor of shape [3] (Float64) returned a gradient of shape [3] (Float32)"),
        BadInput.Of<InvalidOperationException>(Area, "a second backward pass through a tensor another pass is writing", ConcurrentBackward,
            "Backward: another backward pass is running through a leaf tensor of shape [3] (Float64) that requires grad", "a lock around Backward"),
        BadInput.Of<ArgumentException>(Area, "GradCheck of float32 inputs", () => GradCheck.Run(x => x.Exp(), Tensor.Ones([2]).RequireGrad()),
            "GradCheck: input 0 ([2]) is Float32; gradient checks need Float64", "To(DType.Float64)"),
        BadInput.Of<ArgumentException>(Area, "GradCheck of no inputs", () => GradCheck.Run(xs => xs[0], []), "GradCheck: give at least one input"),
        BadInput.Of<ArgumentException>(Area, "GradCheck with no input requiring grad", () => GradCheck.Run(x => x.Exp(), Tensor.Ones([2], DType.Float64)),
            "GradCheck: no input requires grad, so there is nothing to check"),
        BadInput.Of<ArgumentException>(Area, "GradCheck of a function that returns float32", () => GradCheck.Run(x => x.To(DType.Float32), Parameter()),
            "GradCheck: the function returned Float32; it must compute in Float64"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "GradCheck with a zero step", () => _ = new GradCheckOptions { Eps = 0 },
            "GradCheckOptions: Eps is 0; expected a positive, finite step"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "GradCheck with a NaN step", () => _ = new GradCheckOptions { Eps = double.NaN },
            "GradCheckOptions: Eps is NaN; expected a positive, finite step"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "GradCheck with a negative absolute tolerance", () => _ = new GradCheckOptions { Atol = -1e-5 },
            "GradCheckOptions: Atol is -1E-05; expected a finite tolerance ≥ 0 (1e-5 by default)"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "GradCheck with a NaN relative tolerance", () => _ = new GradCheckOptions { Rtol = double.NaN },
            "GradCheckOptions: Rtol is NaN; expected a finite tolerance ≥ 0 (1e-3 by default)"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "GradCheck with an infinite tolerance, which passes everything", () => _ = new GradCheckOptions { Atol = double.PositiveInfinity },
            "GradCheckOptions: Atol is Infinity; expected a finite tolerance ≥ 0"),
    ];

    /// <summary>Holds one backward pass open on another thread inside its rule, and runs a second through the same leaf.</summary>
    private static void ConcurrentBackward()
    {
        var weight = Parameter();
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var product = (weight * 2).Sum();
        var held = Tape.Function("Hold", [product], xs => xs[0] * 1, (g, grads) =>
        {
            inside.Set();
            release.Wait();
            grads.Accumulate(product, g);
        });
        var holder = new Thread(() => held.Backward());
        holder.Start();
        try
        {
            inside.Wait();
            (weight * 3).Sum().Backward();
        }
        finally
        {
            release.Set();
            holder.Join();
        }
    }
}
