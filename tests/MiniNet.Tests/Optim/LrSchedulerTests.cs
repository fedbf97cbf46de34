using MiniNet.Optim;

namespace MiniNet.Tests.Optim;

// Learning-rate schedules against PyTorch 1.13's lr_scheduler: the learning rate after construction and
// after each step(), for an SGD optimiser with lr 0.1. Generated with /usr/bin/python3 by:
//
// # PyTorch 1.13 learning-rate sequences (get_last_lr() after construction and after each step()).
// import torch, warnings
// warnings.filterwarnings("ignore")
// O = torch.optim; S = torch.optim.lr_scheduler
//
// def sequence(make, steps, lr=0.1):
//     p = torch.zeros(1, requires_grad=True)
//     opt = O.SGD([p], lr=lr)
//     sched = make(opt)
//     lrs = [sched.get_last_lr()[0]]
//     for _ in range(steps):
//         opt.step(); sched.step()
//         lrs.append(sched.get_last_lr()[0])
//     return lrs
//
// cases = [
//     ("StepLr", lambda o: S.StepLR(o, step_size=3, gamma=0.5), 10),
//     ("StepLrDefaultGamma", lambda o: S.StepLR(o, step_size=4), 10),
//     ("ExponentialLr", lambda o: S.ExponentialLR(o, gamma=0.9), 10),
//     ("CosineAnnealingLr", lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 25),
//     ("CosineAnnealingLrToZero", lambda o: S.CosineAnnealingLR(o, T_max=7), 10),
//     ("LinearLrWarmup", lambda o: S.LinearLR(o, start_factor=0.25, total_iters=4), 10),
//     ("LinearLrDefaults", lambda o: S.LinearLR(o), 10),
//     ("LinearLrDecay", lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=6), 10),
//     ("WarmupThenCosine", lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=3), S.CosineAnnealingLR(o, T_max=7)], milestones=[3]), 12),
//     ("WarmupThenStepThenExponential", lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.5, total_iters=2), S.StepLR(o, step_size=2, gamma=0.5), S.ExponentialLR(o, gamma=0.8)], milestones=[2, 6]), 10),
// ]
// for name, make, steps in cases:
//     print(f"    private static readonly double[] PyTorch{name} = [{', '.join(repr(x) for x in sequence(make, steps))}];")
//
// # SGD driven by StepLR: the learning rate the optimiser uses follows the schedule.
// p = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
// opt = O.SGD([p], lr=0.1, momentum=0.5); sched = S.StepLR(opt, step_size=2, gamma=0.5)
// rows = []
// for t in range(6):
//     p.grad = torch.tensor([0.5 + t, -1.0], dtype=torch.float64)
//     opt.step(); sched.step()
//     rows.append([float(x) for x in p.detach()])
// print("    private static readonly double[][] PyTorchSgdUnderStepLr = [" + ", ".join("[" + ", ".join(repr(x) for x in r) + "]" for r in rows) + "];")
//
// # Two parameter groups with different base rates under one schedule.
// p = torch.zeros(1, requires_grad=True); q = torch.zeros(1, requires_grad=True)
// opt = O.SGD([{"params": [p]}, {"params": [q], "lr": 0.01}], lr=0.1); sched = S.CosineAnnealingLR(opt, T_max=4, eta_min=0.001)
// rows = [sched.get_last_lr()]
// for _ in range(5):
//     opt.step(); sched.step(); rows.append(sched.get_last_lr())
// print("    private static readonly double[][] PyTorchCosineTwoGroups = [" + ", ".join("[" + ", ".join(repr(x) for x in r) + "]" for r in rows) + "];")
//
// PyTorch's step() computes each schedule recursively from the previous learning rate; MiniNet's closed
// forms agree to 1e-12 relative (the largest difference is PyTorch's drift to 0.10000000000000045 after
// twenty cosine epochs, 4.5e-15 relative).
/// <summary>Each schedule's learning rates, epoch by epoch, as PyTorch's.</summary>
public class LrSchedulerTests
{
    private static readonly double[] PyTorchStepLr = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125];
    private static readonly double[] PyTorchStepLrDefaultGamma = [0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.0010000000000000002];
    private static readonly double[] PyTorchExponentialLr = [0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024, 0.03874204890000002, 0.03486784401000002];
    private static readonly double[] PyTorchCosineAnnealingLr = [0.1, 0.09757729755661011, 0.0905463412215599, 0.07959536998847742, 0.0657963412215599, 0.0505, 0.03520365877844011, 0.02140463001152259, 0.010453658778440109, 0.0034227024433899004, 0.001, 0.0034227024433899004, 0.01045365877844014, 0.02140463001152267, 0.035203658778440255, 0.05050000000000022, 0.06579634122156018, 0.07959536998847777, 0.09054634122156031, 0.09757729755661054, 0.10000000000000045, 0.09757729755661054, 0.09054634122156033, 0.07959536998847778, 0.0657963412215602, 0.050500000000000225];
    private static readonly double[] PyTorchCosineAnnealingLrToZero = [0.1, 0.09504844339512096, 0.08117449009293669, 0.061126046697815725, 0.03887395330218429, 0.018825509907063328, 0.004951556604879048, 0.0, 0.004951556604879043, 0.018825509907063314, 0.03887395330218427];
    private static readonly double[] PyTorchLinearLrWarmup = [0.025, 0.043750000000000004, 0.06250000000000001, 0.08125000000000002, 0.10000000000000002, 0.10000000000000002, 0.10000000000000002, 0.10000000000000002, 0.10000000000000002, 0.10000000000000002, 0.10000000000000002];
    private static readonly double[] PyTorchLinearLrDefaults = [0.03333333333333333, 0.04666666666666667, 0.060000000000000005, 0.07333333333333335, 0.08666666666666668, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    private static readonly double[] PyTorchLinearLrDecay = [0.1, 0.085, 0.07, 0.05500000000000001, 0.04000000000000001, 0.025000000000000005, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002];
    private static readonly double[] PyTorchWarmupThenCosine = [0.010000000000000002, 0.04, 0.07, 0.1, 0.09504844339512096, 0.08117449009293669, 0.061126046697815725, 0.03887395330218429, 0.018825509907063328, 0.004951556604879048, 0.0, 0.004951556604879043, 0.018825509907063314];
    private static readonly double[] PyTorchWarmupThenStepThenExponential = [0.05, 0.07500000000000001, 0.1, 0.1, 0.05, 0.05, 0.1, 0.08000000000000002, 0.06400000000000002, 0.051200000000000016, 0.04096000000000002];
    private static readonly double[][] PyTorchSgdUnderStepLr = [[0.95, -1.9], [0.7749999999999999, -1.75], [0.60625, -1.6625], [0.34687499999999993, -1.56875], [0.1695312499999999, -1.5203125000000002], [-0.056640625000000104, -1.47109375]];
    private static readonly double[][] PyTorchCosineTwoGroups = [[0.1, 0.01], [0.0855017856687341, 0.008681980515339464], [0.0505, 0.0055000000000000005], [0.0154982143312659, 0.0023180194846605367], [0.001, 0.001], [0.015498214331265896, 0.002318019484660536]];

    private const double Tolerance = 1e-12;

    private static Sgd NewSgd(double lr = 0.1) => new([Tensor.Zeros([1]).RequireGrad()], lr: lr);

    /// <summary>Checks LastLr and the optimiser's learning rate after construction and after each Step().</summary>
    private static void AssertSequence(LrScheduler scheduler, double[] expected)
    {
        for (int epoch = 0; epoch < expected.Length; epoch++)
        {
            if (epoch > 0) scheduler.Step();
            Assert.Equal(epoch, scheduler.LastEpoch);
            Assert.True(OptimTestKit.Close(scheduler.LastLr, expected[epoch], Tolerance),
                $"epoch {epoch}: PyTorch {expected[epoch]:R}, MiniNet {scheduler.LastLr:R}");
            Assert.Equal(scheduler.LastLr, scheduler.Optimizer.Lr);
        }
    }

    [Fact]
    public void StepLr_matches_PyTorch() => AssertSequence(new StepLr(NewSgd(), stepSize: 3, gamma: 0.5), PyTorchStepLr);

    [Fact]
    public void StepLr_with_the_default_gamma_of_one_tenth_matches_PyTorch() => AssertSequence(new StepLr(NewSgd(), stepSize: 4), PyTorchStepLrDefaultGamma);

    [Fact]
    public void ExponentialLr_matches_PyTorch() => AssertSequence(new ExponentialLr(NewSgd(), gamma: 0.9), PyTorchExponentialLr);

    [Fact]
    public void CosineAnnealingLr_matches_PyTorch_down_to_etaMin_and_back_up() =>
        AssertSequence(new CosineAnnealingLr(NewSgd(), tMax: 10, etaMin: 0.001), PyTorchCosineAnnealingLr);

    [Fact]
    public void CosineAnnealingLr_reaches_exactly_zero_at_tMax() =>
        AssertSequence(new CosineAnnealingLr(NewSgd(), tMax: 7), PyTorchCosineAnnealingLrToZero);

    [Fact]
    public void LinearLr_warm_up_matches_PyTorch() => AssertSequence(new LinearLr(NewSgd(), startFactor: 0.25, totalIters: 4), PyTorchLinearLrWarmup);

    [Fact]
    public void LinearLr_with_defaults_matches_PyTorch() => AssertSequence(new LinearLr(NewSgd()), PyTorchLinearLrDefaults);

    [Fact]
    public void LinearLr_decay_matches_PyTorch() => AssertSequence(new LinearLr(NewSgd(), startFactor: 1.0, endFactor: 0.1, totalIters: 6), PyTorchLinearLrDecay);

    [Fact]
    public void LinearLr_can_warm_up_from_zero()
    {
        // PyTorch 2 refuses startFactor 0: its recursive form would stay at 0. The closed form does not.
        AssertSequence(new LinearLr(NewSgd(), startFactor: 0, totalIters: 4), [0.0, 0.025, 0.05, 0.075, 0.1, 0.1]);
    }

    [Fact]
    public void SequentialLr_warm_up_then_cosine_matches_PyTorch()
    {
        var sgd = NewSgd();
        var warmup = new LinearLr(sgd, startFactor: 0.1, totalIters: 3);
        var cosine = new CosineAnnealingLr(sgd, tMax: 7);
        var schedule = new SequentialLr(sgd, [warmup, cosine], milestones: [3]);
        Assert.Equal([0.1], cosine.BaseLrs); // the base rate is the optimiser's, not the warm-up's first value
        AssertSequence(schedule, PyTorchWarmupThenCosine);
        Assert.Equal(12 - 3, cosine.LastEpoch); // the running schedule counts its own epochs, as in PyTorch
    }

    [Fact]
    public void SequentialLr_of_three_schedules_matches_PyTorch()
    {
        var sgd = NewSgd();
        var schedule = new SequentialLr(sgd,
            [new LinearLr(sgd, startFactor: 0.5, totalIters: 2), new StepLr(sgd, stepSize: 2, gamma: 0.5), new ExponentialLr(sgd, gamma: 0.8)],
            milestones: [2, 6]);
        AssertSequence(schedule, PyTorchWarmupThenStepThenExponential);
    }

    [Fact]
    public void A_schedule_drives_the_learning_rate_the_optimiser_steps_with()
    {
        // PyTorch: SGD(lr=0.1, momentum=0.5) + StepLR(step_size=2, gamma=0.5), gradients [0.5 + t, −1] at step t.
        var theta = Tensor.FromArray([1.0, -2.0]).RequireGrad();
        var sgd = new Sgd([theta], lr: 0.1, momentum: 0.5);
        var schedule = new StepLr(sgd, stepSize: 2, gamma: 0.5);
        for (int step = 0; step < PyTorchSgdUnderStepLr.Length; step++)
        {
            theta.Grad = Tensor.FromArray([0.5 + step, -1.0]);
            sgd.Step();
            schedule.Step();
            OptimTestKit.AssertTiled(PyTorchSgdUnderStepLr[step], theta, Tolerance, $"step {step + 1}");
        }
    }

    [Fact]
    public void A_schedule_sets_each_parameter_group_from_its_own_base_rate()
    {
        var sgd = new Sgd([new ParameterGroup([Tensor.Zeros([1]).RequireGrad()]), new ParameterGroup([Tensor.Zeros([1]).RequireGrad()], lr: 0.01)], lr: 0.1);
        var schedule = new CosineAnnealingLr(sgd, tMax: 4, etaMin: 0.001);
        Assert.Equal([0.1, 0.01], schedule.BaseLrs);
        for (int epoch = 0; epoch < PyTorchCosineTwoGroups.Length; epoch++)
        {
            if (epoch > 0) schedule.Step();
            for (int group = 0; group < 2; group++)
            {
                Assert.True(OptimTestKit.Close(schedule.LastLrs[group], PyTorchCosineTwoGroups[epoch][group], Tolerance));
                Assert.Equal(schedule.LastLrs[group], sgd.ParamGroups[group].Lr);
            }
        }
        Assert.Throws<InvalidOperationException>(() => schedule.LastLr);
    }

    [Fact]
    public void LrAt_gives_the_closed_form_without_stepping()
    {
        var schedule = new CosineAnnealingLr(NewSgd(), tMax: 100, etaMin: 0.01);
        Assert.Equal(0.01 + (1 - 0.01) * (1 + Math.Cos(Math.PI * 0.25)) / 2, schedule.LrAt(25, baseLr: 1), 1e-15);
        Assert.Equal(0, schedule.LastEpoch);
    }

    [Fact]
    public void A_learning_rate_set_by_hand_is_overwritten_at_the_next_step()
    {
        var sgd = NewSgd();
        var schedule = new ExponentialLr(sgd, gamma: 0.5);
        sgd.Lr = 7;
        schedule.Step();
        Assert.Equal(0.05, sgd.Lr, 1e-15); // closed form from the base rate 0.1
    }

    public static TheoryData<string, Func<Optimizer, object>, string> BadArguments => new()
    {
        { "stepSize", o => new StepLr(o, stepSize: 0), "StepLr: stepSize must be at least 1, got 0." },
        { "gamma", o => new StepLr(o, stepSize: 2, gamma: -0.1), "StepLr: gamma must be a finite number ≥ 0, got -0.1." },
        { "gamma", o => new ExponentialLr(o, gamma: double.NaN), "ExponentialLr: gamma must be a finite number ≥ 0, got NaN." },
        { "tMax", o => new CosineAnnealingLr(o, tMax: 0), "CosineAnnealingLr: tMax must be at least 1, got 0." },
        { "etaMin", o => new CosineAnnealingLr(o, tMax: 5, etaMin: -1), "CosineAnnealingLr: etaMin must be a finite number ≥ 0, got -1." },
        { "startFactor", o => new LinearLr(o, startFactor: 1.5), "LinearLr: startFactor must be in [0, 1], got 1.5." },
        { "endFactor", o => new LinearLr(o, endFactor: -0.5), "LinearLr: endFactor must be in [0, 1], got -0.5." },
        { "totalIters", o => new LinearLr(o, totalIters: 0), "LinearLr: totalIters must be at least 1, got 0." },
        { "milestones", o => new SequentialLr(o, [new LinearLr(o), new ExponentialLr(o, 0.9)], milestones: []),
            "SequentialLr: 2 schedules need 1 milestones (the epochs where the next one takes over), got 0." },
        { "milestones", o => new SequentialLr(o, [new LinearLr(o), new ExponentialLr(o, 0.9), new StepLr(o, 2)], milestones: [5, 5]),
            "SequentialLr: milestones must be increasing and at least 1, got [5, 5]." },
        { "schedulers", o => new SequentialLr(o, [new LinearLr(o), new ExponentialLr(NewSgd(), 0.9)], milestones: [3]),
            "SequentialLr: schedule 1 (ExponentialLr) is attached to a different optimiser;" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_schedule_arguments_are_refused_with_a_message_naming_them(string parameterName, Func<Optimizer, object> make, string message)
    {
        var sgd = NewSgd();
        var error = Assert.ThrowsAny<ArgumentException>(() => make(sgd));
        Assert.Equal(parameterName, error.ParamName);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void A_refused_schedule_leaves_the_optimiser_alone()
    {
        var sgd = NewSgd();
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearLr(sgd, startFactor: 2));
        Assert.Equal(0.1, sgd.Lr);
        Assert.Null(sgd.ParamGroups[0].InitialLr);
    }
}
