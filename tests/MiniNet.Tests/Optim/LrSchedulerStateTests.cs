using MiniNet.Optim;

namespace MiniNet.Tests.Optim;

/// <summary>LrScheduler.StateDict/LoadStateDict: PyTorch's fields, and a restored schedule that goes on as the original.</summary>
public class LrSchedulerStateTests
{
    private static Sgd Sgd(double lr = 0.1) => new([Tensor.Ones([2]).RequireGrad()], lr: lr);

    [Fact]
    public void StepLr_state_holds_PyTorchs_fields()
    {
        var schedule = new StepLr(Sgd(), stepSize: 2, gamma: 0.5);
        for (int i = 0; i < 5; i++) schedule.Step();
        var state = schedule.StateDict();
        Assert.Equal(("StepLr", 5, 6), (state.Kind, state.LastEpoch, state.StepCount));
        Assert.Equal([0.1], state.BaseLrs);
        Assert.Equal([0.1 * 0.25], state.LastLrs); // 0.1 · 0.5^⌊5/2⌋
        Assert.Equal(["step_size", "gamma"], state.Hyperparameters.Keys);
        Assert.Equal([2.0, 0.5], state.Hyperparameters.Values);
        Assert.Empty(state.Milestones);
        Assert.Empty(state.Schedulers);
    }

    public static TheoryData<string> Kinds() => [.. Schedules.Keys];

    private static readonly Dictionary<string, Func<Optimizer, LrScheduler>> Schedules = new()
    {
        ["step"] = o => new StepLr(o, stepSize: 2, gamma: 0.5),
        ["exponential"] = o => new ExponentialLr(o, gamma: 0.9),
        ["cosine"] = o => new CosineAnnealingLr(o, tMax: 6, etaMin: 0.001),
        ["linear"] = o => new LinearLr(o, startFactor: 0.25, totalIters: 4),
        ["warm-up then cosine"] = o => new SequentialLr(o, [new LinearLr(o, startFactor: 0.1, totalIters: 3), new CosineAnnealingLr(o, tMax: 5)], [3]),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_fresh_schedule_that_loads_the_state_sets_the_same_rates_from_then_on(string kind)
    {
        var original = Schedules[kind](Sgd());
        for (int i = 0; i < 4; i++) original.Step();
        var optimizer = Sgd(lr: 0.7); // another base rate: the restored base_lrs must take its place
        var resumed = Schedules[kind](optimizer);
        resumed.LoadStateDict(original.StateDict());

        Assert.Equal(4, resumed.LastEpoch);
        Assert.Equal(original.LastLr, optimizer.Lr); // set at once, so the next epoch trains with it
        for (int i = 0; i < 4; i++)
        {
            original.Step();
            resumed.Step();
            Assert.Equal(original.LastLr, resumed.LastLr);
            Assert.Equal(original.Optimizer.Lr, optimizer.Lr);
        }
    }

    [Fact]
    public void A_sequences_schedules_are_restored_with_it()
    {
        var optimizer = Sgd();
        var warmup = new LinearLr(optimizer, startFactor: 0.1, totalIters: 3);
        var cosine = new CosineAnnealingLr(optimizer, tMax: 5);
        var sequence = new SequentialLr(optimizer, [warmup, cosine], [3]);
        for (int i = 0; i < 5; i++) sequence.Step();
        var state = sequence.StateDict();
        Assert.Equal([3], state.Milestones);
        Assert.Equal(["LinearLr", "CosineAnnealingLr"], state.Schedulers.Select(s => s.Kind));
        Assert.Equal(2, state.Schedulers[1].LastEpoch); // epoch 5 is the cosine's epoch 2

        var other = Sgd();
        var otherCosine = new CosineAnnealingLr(other, tMax: 5);
        var restored = new SequentialLr(other, [new LinearLr(other, startFactor: 0.1, totalIters: 3), otherCosine], [3]);
        restored.LoadStateDict(state);
        Assert.Equal((5, 2), (restored.LastEpoch, otherCosine.LastEpoch));
        Assert.Equal(cosine.LastLr, otherCosine.LastLr);
    }

    [Fact]
    public void A_state_that_does_not_fit_is_refused_with_every_problem_and_changes_nothing()
    {
        var optimizer = Sgd();
        var schedule = new StepLr(optimizer, stepSize: 3, gamma: 0.5);
        schedule.Step();
        var other = new StepLr(Sgd(), stepSize: 2, gamma: 0.5);
        for (int i = 0; i < 3; i++) other.Step();

        var error = Assert.Throws<ArgumentException>(() => schedule.LoadStateDict(other.StateDict()));
        Assert.Contains("StepLr.LoadStateDict", error.Message);
        Assert.Contains("step_size is 2 in the state, and 3 in this schedule", error.Message);
        Assert.Equal(1, schedule.LastEpoch);
        Assert.Equal(0.1, optimizer.Lr);
    }
}
