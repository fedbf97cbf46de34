using MiniNet.Optim;

namespace MiniNet.Tests.Optim;

/// <summary>
/// Optimiser.StateDict/LoadStateDict: PyTorch's layout and names, values that follow from the update formulas, a
/// snapshot that later steps leave alone, and a restore after which a new optimiser continues bit for bit.
/// </summary>
public class OptimizerStateTests
{
    /// <summary>Two float64 parameters, [2] and [1, 1], with fixed values.</summary>
    private static Tensor[] Parameters() =>
        [Tensor.FromArray([1.0, 2.0]).RequireGrad(), Tensor.FromArray(new[,] { { 3.0 } }).RequireGrad()];

    private static readonly double[] Gradient0 = [0.5, -1.0];

    [Fact]
    public void Adam_state_has_PyTorchs_names_and_the_moments_of_one_step()
    {
        var parameters = Parameters();
        var adam = new Adam(parameters, lr: 0.1);
        parameters[0].Grad = Tensor.FromArray(Gradient0); // the second parameter has no gradient: it takes no step
        adam.Step();

        var state = adam.StateDict();
        Assert.Equal("Adam", state.Kind);
        Assert.Equal([0], state.State.Keys);
        var tensors = state.State[0];
        Assert.Equal(["exp_avg", "exp_avg_sq", "step"], tensors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, tensors["step"].Shape.Rank);
        Assert.Equal(1.0, tensors["step"].Item());
        // First step from m = v = 0: m = (1 − β₁)·g, v = (1 − β₂)·g².
        AssertClose([(1 - 0.9) * 0.5, (1 - 0.9) * -1.0], tensors["exp_avg"]);
        AssertClose([(1 - 0.999) * 0.25, (1 - 0.999) * 1.0], tensors["exp_avg_sq"]);

        var group = Assert.Single(state.ParamGroups);
        Assert.Equal([0, 1], group.Params);
        Assert.Equal(["lr", "weight_decay", "beta1", "beta2", "eps", "amsgrad", "maximize"], group.Hyperparameters.Keys);
        Assert.Equal([0.1, 0, 0.9, 0.999, 1e-8, 0, 0], group.Hyperparameters.Values);
    }

    [Fact]
    public void Sgd_keeps_the_first_gradient_as_its_momentum_buffer_and_no_state_without_momentum()
    {
        var parameters = Parameters();
        var sgd = new Sgd(parameters, lr: 0.1, momentum: 0.9, nesterov: true);
        parameters[0].Grad = Tensor.FromArray(Gradient0);
        parameters[1].Grad = Tensor.FromArray(new[,] { { 4.0 } });
        sgd.Step();
        var state = sgd.StateDict();
        Assert.Equal(["momentum_buffer"], state.State[1].Keys);
        Assert.Equal(Gradient0, state.State[0]["momentum_buffer"].ToArray<double>()); // PyTorch's first step: b = d, undamped
        Assert.Equal(["lr", "weight_decay", "momentum", "dampening", "nesterov", "maximize"], state.ParamGroups[0].Hyperparameters.Keys);
        Assert.Equal(1.0, state.ParamGroups[0].Hyperparameters["nesterov"]);

        var plain = new Sgd(parameters, lr: 0.1);
        plain.Step();
        Assert.Empty(plain.StateDict().State);
    }

    [Fact]
    public void RmsProp_state_names_follow_its_options()
    {
        var parameters = Parameters();
        var rmsProp = new RmsProp(parameters, lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true);
        parameters[0].Grad = Tensor.FromArray(Gradient0);
        rmsProp.Step();
        var tensors = rmsProp.StateDict().State[0];
        Assert.Equal(["grad_avg", "momentum_buffer", "square_avg", "step"], tensors.Keys.Order(StringComparer.Ordinal));
        AssertClose([(1 - 0.9) * 0.25, (1 - 0.9) * 1.0], tensors["square_avg"]); // s = (1 − α)·g²
        AssertClose([(1 - 0.9) * 0.5, (1 - 0.9) * -1.0], tensors["grad_avg"]);   // a = (1 − α)·g
    }

    [Fact]
    public void The_state_is_a_snapshot_that_later_steps_leave_alone()
    {
        var parameters = Parameters();
        var adam = new Adam(parameters);
        parameters[0].Grad = Tensor.FromArray(Gradient0);
        adam.Step();
        var saved = adam.StateDict();
        double[] before = saved.State[0]["exp_avg"].ToArray<double>();
        adam.Step();
        Assert.Equal(before, saved.State[0]["exp_avg"].ToArray<double>());
        Assert.Equal(1.0, saved.State[0]["step"].Item());
        Assert.Equal(2, adam.StateOf(parameters[0])!.Step);
    }

    public static TheoryData<string> Configurations() => [.. Optimizers.Keys];

    private static readonly Dictionary<string, Func<IEnumerable<Tensor>, Optimizer>> Optimizers = new()
    {
        ["sgd"] = p => new Sgd(p, lr: 0.1),
        ["sgd, momentum, dampening, weight decay"] = p => new Sgd(p, lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
        ["sgd, nesterov"] = p => new Sgd(p, lr: 0.1, momentum: 0.9, nesterov: true),
        ["adam"] = p => new Adam(p, lr: 0.05),
        ["adam, amsgrad, maximize"] = p => new Adam(p, lr: 0.05, amsgrad: true, maximize: true, weightDecay: 0.1),
        ["adamw"] = p => new AdamW(p, lr: 0.05),
        ["rmsprop"] = p => new RmsProp(p, lr: 0.01),
        ["rmsprop, centred, momentum"] = p => new RmsProp(p, lr: 0.01, momentum: 0.9, centered: true, weightDecay: 0.01),
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void A_new_optimiser_that_loads_the_state_continues_bit_for_bit(string configuration)
    {
        var make = Optimizers[configuration];
        var original = OptimTestKit.Parameters(DType.Float32);
        var optimizer = make(original);
        for (int step = 0; step < 2; step++) Step(optimizer, original, step);

        var resumed = Array.ConvertAll(original, p => p.Detach().Clone().RequireGrad());
        var loaded = make(resumed);
        loaded.LoadStateDict(optimizer.StateDict());
        var notLoaded = make(Array.ConvertAll(original, p => p.Detach().Clone().RequireGrad()));
        for (int step = 2; step < 4; step++)
        {
            Step(optimizer, original, step);
            Step(loaded, resumed, step);
            Step(notLoaded, notLoaded.Parameters.ToArray(), step);
        }

        for (int i = 0; i < original.Length; i++) Assert.Equal(Bits(original[i]), Bits(resumed[i]));
        AssertSameState(optimizer.StateDict(), loaded.StateDict());
        // The check can fail: an optimiser that starts afresh from the same weights ends elsewhere (plain SGD keeps no state).
        if (configuration != "sgd") Assert.NotEqual(Bits(original[0]), Bits(notLoaded.Parameters[0]));
    }

    [Fact]
    public void Loading_restores_each_groups_lr_weight_decay_and_initial_lr_and_the_step_counts()
    {
        var weights = Tensor.Ones([2]).RequireGrad();
        var biases = Tensor.Ones([1]).RequireGrad();
        var source = new AdamW([new ParameterGroup([weights]), new ParameterGroup([biases], weightDecay: 0)], lr: 0.1);
        _ = new StepLr(source, stepSize: 1, gamma: 0.5);
        source.ParamGroups[0].Lr = 0.025;
        weights.Grad = Tensor.Ones([2]);
        source.Step();
        source.Step();

        var target = new AdamW([new ParameterGroup([Tensor.Ones([2]).RequireGrad()]), new ParameterGroup([Tensor.Ones([1]).RequireGrad()], weightDecay: 0.5)], lr: 1);
        var state = source.StateDict();
        Assert.Equal(0.1, state.ParamGroups[0].Hyperparameters["initial_lr"]);
        Assert.Equal([1], state.ParamGroups[1].Params);
        target.LoadStateDict(state);

        Assert.Equal((0.025, 0.01, (double?)0.1), (target.ParamGroups[0].Lr, target.ParamGroups[0].WeightDecay, target.ParamGroups[0].InitialLr));
        Assert.Equal((0.1, 0.0, (double?)0.1), (target.ParamGroups[1].Lr, target.ParamGroups[1].WeightDecay, target.ParamGroups[1].InitialLr));
        Assert.Equal(2, target.StateOf(target.Parameters[0])!.Step);
        Assert.Null(target.StateOf(target.Parameters[1])); // the biases never had a gradient
    }

    [Fact]
    public void A_state_that_does_not_fit_changes_nothing()
    {
        var parameters = Parameters();
        var sgd = new Sgd(parameters, lr: 0.1, momentum: 0.9);
        parameters[0].Grad = Tensor.FromArray(Gradient0);
        sgd.Step();
        var before = sgd.StateDict();

        var other = Parameters();
        var source = new Sgd(other, lr: 0.5, momentum: 0.8);
        other[0].Grad = Tensor.FromArray([7.0, 7.0]);
        source.Step();
        var error = Assert.Throws<ArgumentException>(() => sgd.LoadStateDict(source.StateDict()));
        Assert.Contains("param_groups.0.momentum is 0.8 in the state, and 0.9 in this optimiser", error.Message);

        Assert.Equal(0.1, sgd.Lr);
        AssertSameState(before, sgd.StateDict());
    }

    [Fact]
    public void A_state_from_PyTorch_with_a_float32_step_loads()
    {
        var parameters = Parameters();
        var adam = new Adam(parameters);
        var state = new OptimizerState("Adam",
            new Dictionary<int, IReadOnlyDictionary<string, Tensor>>
            {
                [1] = new Dictionary<string, Tensor>
                {
                    ["step"] = Tensor.Scalar(7, DType.Float32),
                    ["exp_avg"] = Tensor.FromArray(new[,] { { 0.25 } }),
                    ["exp_avg_sq"] = Tensor.FromArray(new[,] { { 0.5 } }),
                },
            },
            [new ParamGroupState([0, 1], new Dictionary<string, double>
            {
                ["lr"] = 0.01, ["weight_decay"] = 0, ["beta1"] = 0.9, ["beta2"] = 0.999, ["eps"] = 1e-8, ["amsgrad"] = 0, ["maximize"] = 0,
            })]);
        adam.LoadStateDict(state);
        var restored = adam.StateOf(parameters[1])!;
        Assert.Equal(7, restored.Step);
        Assert.Equal([0.25], restored.ExpAvg.ToArray<double>());
        Assert.Null(adam.StateOf(parameters[0]));
        Assert.Equal(0.01, adam.Lr);
    }

    internal static void AssertSameState(OptimizerState expected, OptimizerState actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.State.Keys, actual.State.Keys);
        foreach (var (index, tensors) in expected.State)
        {
            Assert.Equal(tensors.Keys, actual.State[index].Keys);
            foreach (var (name, tensor) in tensors)
                Assert.True(Bits(tensor).SequenceEqual(Bits(actual.State[index][name])), $"state.{index}.{name} differs");
        }
        Assert.Equal(expected.ParamGroups.Count, actual.ParamGroups.Count);
        for (int g = 0; g < expected.ParamGroups.Count; g++)
        {
            Assert.Equal(expected.ParamGroups[g].Params, actual.ParamGroups[g].Params);
            Assert.Equal(expected.ParamGroups[g].Hyperparameters, actual.ParamGroups[g].Hyperparameters);
        }
    }

    /// <summary>Every element's bits, widened to 64 (float32 through its 32-bit pattern), so equality is exact.</summary>
    internal static long[] Bits(Tensor tensor) => tensor.DType == DType.Float32
        ? Array.ConvertAll(tensor.ToArray<float>(), v => (long)BitConverter.SingleToInt32Bits(v))
        : Array.ConvertAll(tensor.ToArray<double>(), BitConverter.DoubleToInt64Bits);

    private static void Step(Optimizer optimizer, Tensor[] parameters, int step)
    {
        foreach (var parameter in parameters)
            parameter.Grad = OptimTestKit.Tile(OptimizerReference.StepGradients[step], parameter.Shape, parameter.DType);
        optimizer.Step();
    }

    private static void AssertClose(double[] expected, Tensor actual)
    {
        double[] values = actual.ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(values[i] - expected[i]) <= 1e-15 * Math.Abs(expected[i]), $"element {i}: expected {expected[i]:R}, got {values[i]:R}");
    }
}
