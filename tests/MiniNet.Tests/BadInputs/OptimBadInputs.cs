using MiniNet.Optim;

namespace MiniNet.Tests.BadInputs;

/// <summary>Optimisers, parameter groups, schedules and gradient clipping.</summary>
internal static class OptimBadInputs
{
    private const string Area = "Optim";

    /// <summary>A fresh leaf of shape [2] that requires grad: a parameter.</summary>
    private static Tensor Parameter() => Tensor.Ones([2]).RequireGrad();

    private static Tensor[] Parameters() => [Parameter()];

    private static Sgd Sgd() => new(Parameters(), lr: 0.1);

    /// <summary>An optimiser whose two groups have different learning rates.</summary>
    private static Sgd TwoRates() => new([new ParameterGroup([Parameter()], lr: 0.1), new ParameterGroup([Parameter()], lr: 0.2)]);

    /// <summary>A parameter whose gradient holds a NaN.</summary>
    private static Tensor[] NaNGradient()
    {
        var parameter = Parameter();
        parameter.Grad = Tensor.FromArray([1f, float.NaN]);
        return [parameter];
    }

    /// <summary>A valid state of <c>new Adam(Parameters())</c> after one step, with <paramref name="change"/> applied to parameter 0's tensors or to the group's values.</summary>
    private static OptimizerState AdamState(Action<Dictionary<string, Tensor>>? change = null, Action<Dictionary<string, double>>? changeGroup = null, int index = 0,
        int[]? @params = null)
    {
        var tensors = new Dictionary<string, Tensor> { ["step"] = Tensor.Scalar(1, DType.Float64), ["exp_avg"] = Tensor.Zeros([2]), ["exp_avg_sq"] = Tensor.Zeros([2]) };
        change?.Invoke(tensors);
        var group = new Dictionary<string, double>
        {
            ["lr"] = 1e-3, ["weight_decay"] = 0, ["beta1"] = 0.9, ["beta2"] = 0.999, ["eps"] = 1e-8, ["amsgrad"] = 0, ["maximize"] = 0,
        };
        changeGroup?.Invoke(group);
        return new OptimizerState("Adam", new Dictionary<int, IReadOnlyDictionary<string, Tensor>> { [index] = tensors }, [new ParamGroupState(@params ?? [0], group)]);
    }

    /// <summary>A warm-up, then step decay (or exponential decay), over <paramref name="optimizer"/>, switching at <paramref name="milestone"/>.</summary>
    private static SequentialLr Sequence(Optimizer optimizer, int milestone = 2, bool exponential = false) =>
        new(optimizer, [new LinearLr(optimizer, totalIters: 2), exponential ? new ExponentialLr(optimizer, 0.5) : new StepLr(optimizer, 1)], [milestone]);

    public static IEnumerable<BadInput> Rows() =>
    [
        // Hyperparameters of the optimisers
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Sgd negative learning rate",
            () => new Sgd(Parameters(), lr: -0.1), "Sgd", "lr must be a finite number ≥ 0", "got -0.1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Sgd NaN learning rate",
            () => new Sgd(Parameters(), lr: double.NaN), "Sgd", "lr must be a finite number ≥ 0", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Sgd infinite learning rate",
            () => new Sgd(Parameters(), lr: double.PositiveInfinity), "Sgd", "lr", "got Infinity"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Sgd negative momentum",
            () => new Sgd(Parameters(), momentum: -0.9), "Sgd", "momentum must be a finite number ≥ 0", "got -0.9"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Sgd NaN weight decay",
            () => new Sgd(Parameters(), weightDecay: double.NaN), "Sgd", "weightDecay", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Sgd NaN dampening",
            () => new Sgd(Parameters(), momentum: 0.9, dampening: double.NaN), "Sgd", "dampening must be finite", "got NaN"),
        BadInput.Of<ArgumentException>(Area, "Sgd Nesterov without momentum",
            () => new Sgd(Parameters(), nesterov: true), "Sgd", "Nesterov momentum needs momentum > 0 and dampening 0", "got momentum 0"),
        BadInput.Of<ArgumentException>(Area, "Sgd Nesterov with dampening",
            () => new Sgd(Parameters(), momentum: 0.9, dampening: 0.1, nesterov: true), "Sgd", "dampening 0.1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Adam beta1 of 1",
            () => new Adam(Parameters(), beta1: 1), "Adam", "beta1 must be in [0, 1)", "got 1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Adam NaN beta2",
            () => new Adam(Parameters(), beta2: double.NaN), "Adam", "beta2 must be in [0, 1)", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Adam negative eps",
            () => new Adam(Parameters(), eps: -1e-8), "Adam", "eps must be a finite number ≥ 0", "got -1E-08"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Adam infinite weight decay",
            () => new Adam(Parameters(), weightDecay: double.PositiveInfinity), "Adam", "weightDecay", "got Infinity"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "AdamW negative beta1",
            () => new AdamW(Parameters(), beta1: -0.1), "AdamW", "beta1 must be in [0, 1)", "got -0.1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "AdamW NaN learning rate",
            () => new AdamW(Parameters(), lr: double.NaN), "AdamW", "lr", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "RmsProp alpha above 1",
            () => new RmsProp(Parameters(), alpha: 1.5), "RmsProp", "alpha must be in [0, 1]", "got 1.5"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "RmsProp NaN eps",
            () => new RmsProp(Parameters(), eps: double.NaN), "RmsProp", "eps", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "RmsProp negative momentum",
            () => new RmsProp(Parameters(), momentum: -1), "RmsProp", "momentum", "got -1"),

        // Parameters and groups
        BadInput.Of<ArgumentException>(Area, "optimiser of no parameters",
            () => new Sgd(Array.Empty<Tensor>()), "Sgd", "the parameter list is empty", "a Module finds the layers and parameters held in its fields and properties", "ModuleList"),
        BadInput.Of<ArgumentException>(Area, "optimiser of a parameter that is not a leaf",
            () => new Adam([Parameter() * 2]), "Adam", "parameter 0 (shape [2]) is not a leaf", "computed by Mul", "(Parameter 'parameters')"),
        BadInput.Of<ArgumentException>(Area, "optimiser of a parameter that does not require grad",
            () => new Sgd([Tensor.Ones([2])]), "Sgd", "parameter 0 (shape [2]) does not require grad", "RequiresGrad = true"),
        BadInput.Of<ArgumentException>(Area, "optimiser of the same parameter twice",
            () => { var p = Parameter(); _ = new Sgd([p, p]); }, "Sgd", "parameter 1 (shape [2]) is the same tensor as parameter 0"),
        BadInput.Of<ArgumentException>(Area, "optimiser of one parameter in two groups",
            () => { var p = Parameter(); _ = new Sgd([new ParameterGroup([p]), new ParameterGroup([p])]); }, "Sgd",
            "parameter 0 of group 1", "same tensor as parameter 0 of group 0", "(Parameter 'groups')"),
        BadInput.Of<ArgumentNullException>(Area, "optimiser of a null parameter",
            () => new RmsProp([Parameter(), null!]), "RmsProp", "parameter 1 of 2 is null", "parameters"),
        BadInput.Of<ArgumentNullException>(Area, "optimiser of null parameters", () => new Sgd((IEnumerable<Tensor>)null!), "parameters"),
        BadInput.Of<ArgumentException>(Area, "optimiser of no groups",
            () => new Sgd(Array.Empty<ParameterGroup>()), "Sgd", "no parameter groups were given"),
        BadInput.Of<ArgumentException>(Area, "optimiser with an empty group",
            () => new Sgd([new ParameterGroup([Parameter()]), new ParameterGroup([])]), "Sgd", "parameter group 1 is empty"),
        BadInput.Of<ArgumentNullException>(Area, "optimiser with a null group",
            () => new AdamW([new ParameterGroup([Parameter()]), null!]), "AdamW", "parameter group 1 of 2 is null", "groups"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "group with a NaN learning rate",
            () => new ParameterGroup([Parameter()], lr: double.NaN), "ParameterGroup", "lr must be a finite number ≥ 0", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "group with a negative weight decay",
            () => new ParameterGroup([Parameter()], weightDecay: -1), "ParameterGroup", "weightDecay", "got -1"),
        BadInput.Of<ArgumentNullException>(Area, "group with a null parameter",
            () => new ParameterGroup([Parameter(), null!]), "ParameterGroup", "parameter 1 of 2 is null"),
        BadInput.Of<InvalidOperationException>(Area, "group learning rate read before it is known",
            () => _ = new ParameterGroup([Parameter()]).Lr, "ParameterGroup", "Lr was not given", "passed to an optimiser"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "group learning rate set to infinity",
            () => new ParameterGroup([Parameter()]).Lr = double.PositiveInfinity, "ParameterGroup", "Lr", "got Infinity"),

        // Optimiser state and settings
        BadInput.Of<ArgumentOutOfRangeException>(Area, "optimiser learning rate set to NaN",
            () => Sgd().Lr = double.NaN, "Sgd", "Lr must be a finite number ≥ 0", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "optimiser weight decay set negative",
            () => Sgd().WeightDecay = -0.01, "Sgd", "WeightDecay", "got -0.01"),
        BadInput.Of<InvalidOperationException>(Area, "optimiser learning rate read when groups differ",
            () => _ = TwoRates().Lr, "Sgd", "the 2 parameter groups have different values of Lr", "ParamGroups[i].Lr"),
        BadInput.Of<ArgumentException>(Area, "state of a tensor the optimiser does not hold",
            () => new Adam(Parameters()).StateOf(Parameter()), "Adam", "tensor of shape [2] is not one of this optimiser's 1 parameters"),
        BadInput.Of<ArgumentNullException>(Area, "momentum buffer of null", () => Sgd().MomentumBuffer(null!), "parameter"),

        // Schedules
        BadInput.Of<ArgumentOutOfRangeException>(Area, "StepLr period of 0",
            () => new StepLr(Sgd(), stepSize: 0), "StepLr", "stepSize must be at least 1", "got 0"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "StepLr NaN gamma",
            () => new StepLr(Sgd(), stepSize: 1, gamma: double.NaN), "StepLr", "gamma must be a finite number ≥ 0", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "ExponentialLr negative gamma",
            () => new ExponentialLr(Sgd(), gamma: -0.5), "ExponentialLr", "gamma", "got -0.5"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "ExponentialLr infinite gamma",
            () => new ExponentialLr(Sgd(), gamma: double.PositiveInfinity), "ExponentialLr", "gamma", "got Infinity"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "CosineAnnealingLr period of 0",
            () => new CosineAnnealingLr(Sgd(), tMax: 0), "CosineAnnealingLr", "tMax must be at least 1", "got 0"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "CosineAnnealingLr NaN minimum",
            () => new CosineAnnealingLr(Sgd(), tMax: 10, etaMin: double.NaN), "CosineAnnealingLr", "etaMin", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LinearLr start factor above 1",
            () => new LinearLr(Sgd(), startFactor: 1.5), "LinearLr", "startFactor must be in [0, 1]", "got 1.5"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LinearLr NaN end factor",
            () => new LinearLr(Sgd(), endFactor: double.NaN), "LinearLr", "endFactor", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LinearLr of 0 iterations",
            () => new LinearLr(Sgd(), totalIters: 0), "LinearLr", "totalIters must be at least 1", "got 0"),
        BadInput.Of<ArgumentNullException>(Area, "schedule of a null optimiser", () => new StepLr(null!, 1), "optimizer"),
        BadInput.Of<ArgumentException>(Area, "SequentialLr of a schedule attached to another optimiser",
            () => { var optimizer = Sgd(); _ = new SequentialLr(optimizer, [new StepLr(optimizer, 1), new StepLr(Sgd(), 1)], [2]); },
            "SequentialLr", "schedule 1 (StepLr) is attached to a different optimiser"),
        BadInput.Of<ArgumentException>(Area, "SequentialLr with too many milestones",
            () => { var optimizer = Sgd(); _ = new SequentialLr(optimizer, [new StepLr(optimizer, 1), new StepLr(optimizer, 1)], [2, 4]); },
            "SequentialLr", "2 schedules need 1 milestones", "got 2"),
        BadInput.Of<ArgumentException>(Area, "SequentialLr with milestones out of order",
            () => { var optimizer = Sgd(); _ = new SequentialLr(optimizer, [new StepLr(optimizer, 1), new StepLr(optimizer, 1), new StepLr(optimizer, 1)], [3, 2]); },
            "SequentialLr", "milestones must be increasing and at least 1", "got [3, 2]"),
        BadInput.Of<ArgumentException>(Area, "SequentialLr of no schedules",
            () => new SequentialLr(Sgd(), [], []), "SequentialLr", "no schedules were given"),
        BadInput.Of<ArgumentNullException>(Area, "SequentialLr with a null schedule",
            () => { var optimizer = Sgd(); _ = new SequentialLr(optimizer, [new StepLr(optimizer, 1), null!], [2]); },
            "SequentialLr", "schedule 1 of 2 is null", "schedulers"),
        BadInput.Of<InvalidOperationException>(Area, "schedule's last learning rate read when groups differ",
            () => _ = new StepLr(TwoRates(), 1).LastLr, "StepLr", "the 2 parameter groups have different learning rates", "LastLrs[i]"),

        // Saved states of optimisers
        BadInput.Of<ArgumentNullException>(Area, "optimiser LoadStateDict of null", () => Sgd().LoadStateDict(null!), "state"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict of another kind's state",
            () => new Adam(Parameters()).LoadStateDict(Sgd().StateDict()), "Adam.LoadStateDict: the state does not fit this optimiser",
            "it is the state of 'Sgd', and this optimiser is Adam"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with another number of groups",
            () => TwoRates().LoadStateDict(Sgd().StateDict()), "Sgd.LoadStateDict", "it has 1 parameter groups, and this optimiser has 2"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with another momentum",
            () => new Sgd(Parameters(), momentum: 0.5).LoadStateDict(new Sgd(Parameters(), momentum: 0.9).StateDict()), "Sgd.LoadStateDict",
            "param_groups.0.momentum is 0.9 in the state, and 0.5 in this optimiser (build it with the saved value)"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with a buffer of another shape",
            () => new Adam(Parameters()).LoadStateDict(AdamState(t => t["exp_avg"] = Tensor.Zeros([3]))), "Adam.LoadStateDict",
            "state.0.exp_avg is [3] Float32, and parameter 0 is [2] Float32"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with a buffer of another dtype",
            () => new Adam(Parameters()).LoadStateDict(AdamState(t => t["exp_avg_sq"] = Tensor.Zeros([2], DType.Float64))), "Adam.LoadStateDict",
            "state.0.exp_avg_sq is [2] Float64, and parameter 0 is [2] Float32"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with a buffer missing",
            () => new Adam(Parameters(), amsgrad: true).LoadStateDict(AdamState(changeGroup: g => g["amsgrad"] = 1)), "Adam.LoadStateDict",
            "state.0.max_exp_avg_sq is missing"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with a buffer its options do not keep",
            () => new Sgd(Parameters()).LoadStateDict(new OptimizerState("Sgd",
                new Dictionary<int, IReadOnlyDictionary<string, Tensor>> { [0] = new Dictionary<string, Tensor> { ["momentum_buffer"] = Tensor.Zeros([2]) } },
                Sgd().StateDict().ParamGroups)),
            "Sgd.LoadStateDict", "state.0.momentum_buffer is not part of Sgd's state with these options (it keeps none)"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with a fractional step count",
            () => new Adam(Parameters()).LoadStateDict(AdamState(t => t["step"] = Tensor.Scalar(1.5, DType.Float64))), "Adam.LoadStateDict",
            "state.0.step is 1.5; a step count is a whole number from 0 to 2147483647"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with a step count that is not a scalar",
            () => new Adam(Parameters()).LoadStateDict(AdamState(t => t["step"] = Tensor.Ones([1]))), "Adam.LoadStateDict",
            "state.0.step has shape [1]; a step count is a scalar (shape [])"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with the state of a parameter it does not have",
            () => new Adam(Parameters()).LoadStateDict(AdamState(index: 3)), "Adam.LoadStateDict", "state.3 belongs to no parameter: this optimiser has parameters 0 to 0"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with a group numbered differently",
            () => new Adam(Parameters()).LoadStateDict(AdamState(@params: [1])), "Adam.LoadStateDict",
            "param_groups.0.params is [1], and this optimiser's group 0 holds parameters 0 to 0"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with a negative learning rate",
            () => new Adam(Parameters()).LoadStateDict(AdamState(changeGroup: g => g["lr"] = -1)), "Adam.LoadStateDict",
            "param_groups.0.lr is -1; expected a finite number ≥ 0"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict without a learning rate",
            () => new Adam(Parameters()).LoadStateDict(AdamState(changeGroup: g => g.Remove("lr"))), "Adam.LoadStateDict", "param_groups.0.lr is missing"),
        BadInput.Of<ArgumentException>(Area, "optimiser LoadStateDict with a hyper-parameter it does not have",
            () => new Adam(Parameters()).LoadStateDict(AdamState(changeGroup: g => g["nesterov"] = 1)), "Adam.LoadStateDict",
            "param_groups.0.nesterov is not a hyper-parameter of this optimiser", "beta1, beta2, eps, amsgrad, maximize"),
        BadInput.Of<ArgumentException>(Area, "OptimizerState of an empty kind",
            () => new OptimizerState("", new Dictionary<int, IReadOnlyDictionary<string, Tensor>>(), []), "kind"),

        // Saved states of schedules
        BadInput.Of<ArgumentNullException>(Area, "schedule LoadStateDict of null", () => new StepLr(Sgd(), 1).LoadStateDict(null!), "state"),
        BadInput.Of<ArgumentException>(Area, "schedule LoadStateDict of another kind's state",
            () => new ExponentialLr(Sgd(), 0.5).LoadStateDict(new StepLr(Sgd(), 1).StateDict()), "ExponentialLr.LoadStateDict: the state does not fit this schedule",
            "it is the state of 'StepLr', and this schedule is ExponentialLr"),
        BadInput.Of<ArgumentException>(Area, "schedule LoadStateDict with another gamma",
            () => new StepLr(Sgd(), 1, gamma: 0.1).LoadStateDict(new StepLr(Sgd(), 1, gamma: 0.5).StateDict()), "StepLr.LoadStateDict",
            "gamma is 0.5 in the state, and 0.1 in this schedule (build it with the saved value)"),
        BadInput.Of<ArgumentException>(Area, "schedule LoadStateDict for another number of groups",
            () => new StepLr(Sgd(), 1).LoadStateDict(new StepLr(TwoRates(), 1).StateDict()), "StepLr.LoadStateDict",
            "base_lrs holds 2 learning rates, and the optimiser has 1 parameter groups", "_last_lr holds 2"),
        BadInput.Of<ArgumentException>(Area, "SequentialLr LoadStateDict with other milestones",
            () => Sequence(Sgd(), milestone: 3).LoadStateDict(Sequence(Sgd(), milestone: 2).StateDict()), "SequentialLr.LoadStateDict",
            "_milestones is [2] in the state, and [3] in this schedule"),
        BadInput.Of<ArgumentException>(Area, "SequentialLr LoadStateDict with another schedule inside",
            () => Sequence(Sgd()).LoadStateDict(Sequence(Sgd(), exponential: true).StateDict()),
            "SequentialLr.LoadStateDict", "_schedulers.1: it is the state of 'ExponentialLr', and this schedule is StepLr"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LrSchedulerState of a negative epoch",
            () => new LrSchedulerState("StepLr", -1, [0.1], [0.1], new Dictionary<string, double>()), "LrSchedulerState", "lastEpoch is -1"),
        BadInput.Of<ArgumentNullException>(Area, "LrSchedulerState with a null schedule",
            () => new LrSchedulerState("SequentialLr", 0, [0.1], [0.1], new Dictionary<string, double>(), [2], [new StepLr(Sgd(), 1).StateDict(), null!]),
            "LrSchedulerState", "schedule 1 of 2 is null", "schedulers"),

        // Gradient clipping
        BadInput.Of<ArgumentOutOfRangeException>(Area, "ClipGradNorm negative max norm",
            () => GradientClipping.ClipGradNorm(Parameters(), -1), "ClipGradNorm", "maxNorm must be ≥ 0", "got -1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "ClipGradNorm NaN max norm",
            () => GradientClipping.ClipGradNorm(Parameters(), double.NaN), "ClipGradNorm", "maxNorm", "got NaN"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "ClipGradNorm norm of order 0",
            () => GradientClipping.ClipGradNorm(Parameters(), 1, normType: 0), "ClipGradNorm", "normType must be a p > 0", "got 0"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "ClipGradNorm NaN norm type",
            () => GradientClipping.ClipGradNorm(Parameters(), 1, normType: double.NaN), "ClipGradNorm", "normType", "got NaN"),
        BadInput.Of<InvalidOperationException>(Area, "ClipGradNorm of a NaN gradient when asked to refuse it",
            () => GradientClipping.ClipGradNorm(NaNGradient(), 1, errorIfNonfinite: true), "ClipGradNorm", "total norm of order 2",
            "is NaN", "parameter 0 (shape [2]) holds NaN or infinite values", "errorIfNonfinite: false"),
        BadInput.Of<ArgumentNullException>(Area, "ClipGradNorm with a null parameter",
            () => GradientClipping.ClipGradNorm([Parameter(), null!], 1), "ClipGradNorm", "parameter 1 is null", "parameters"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "ClipGradValue negative clip value",
            () => GradientClipping.ClipGradValue(Parameters(), -1), "ClipGradValue", "clipValue must be ≥ 0", "got -1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "ClipGradValue NaN clip value",
            () => GradientClipping.ClipGradValue(Parameters(), double.NaN), "ClipGradValue", "got NaN"),
        BadInput.Of<NotFiniteNumberException>(Area, "Step with a NaN gradient when ErrorIfNonfinite is on",
            () => new Sgd(NaNGradient(), lr: 0.1) { ErrorIfNonfinite = true }.Step(),
            "Sgd.Step: the gradient of parameter 0 (shape [2] Float32, finite values in [1, 1], 1 NaN, 0 +Inf, 0 -Inf) is not finite",
            "no parameter was updated", "Tape.DetectAnomaly()"),
        BadInput.Of<NotFiniteNumberException>(Area, "Step with an infinite gradient of a named parameter when ErrorIfNonfinite is on", () =>
        {
            var parameter = Parameter();
            parameter.Grad = Tensor.FromArray([float.NegativeInfinity, 3f]);
            var adam = new Adam([parameter]) { ErrorIfNonfinite = true };
            adam.NameParameters([("fc1.weight", parameter)]);
            adam.Step();
        }, "Adam.Step: the gradient of 'fc1.weight' (parameter 0, shape [2] Float32, finite values in [3, 3], 0 NaN, 0 +Inf, 1 -Inf)"),
        BadInput.Of<ArgumentNullException>(Area, "NameParameters with a null name",
            () => Sgd().NameParameters([("0.weight", Parameter()), (null!, Parameter())]), "Sgd.NameParameters: entry 1 has a null name"),
    ];
}
