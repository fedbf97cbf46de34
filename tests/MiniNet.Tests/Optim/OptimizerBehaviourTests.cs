using MiniNet.Optim;

namespace MiniNet.Tests.Optim;

/// <summary>What every optimiser promises besides its formula: gradients, state, versions, allocation, groups.</summary>
public class OptimizerBehaviourTests
{
    public static TheoryData<string> OptimizerNames => ["Sgd", "Adam", "AdamW", "RmsProp"];

    /// <summary>Each optimiser with options that use all of its state (momentum, AMSGrad, centring).</summary>
    private static Optimizer Make(string name, IEnumerable<Tensor> parameters) => name switch
    {
        "Sgd" => new Sgd(parameters, lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01),
        "Adam" => new Adam(parameters, lr: 0.1, weightDecay: 0.01, amsgrad: true),
        "AdamW" => new AdamW(parameters, lr: 0.1, amsgrad: true),
        "RmsProp" => new RmsProp(parameters, lr: 0.1, weightDecay: 0.01, momentum: 0.9, centered: true),
        _ => throw new ArgumentException(name),
    };

    private static Tensor Parameter(int length = 5, DType dtype = DType.Float64) =>
        Tensor.Randn([length], seed: (ulong)length, dtype).RequireGrad();

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void ZeroGrad_sets_every_gradient_to_null_by_default(string name)
    {
        var (a, b) = (Parameter(), Parameter(7));
        var optimizer = Make(name, [a, b]);
        a.Grad = Tensor.Ones(a.Shape, a.DType);
        b.Grad = Tensor.Ones(b.Shape, b.DType);
        optimizer.ZeroGrad();
        Assert.Null(a.Grad);
        Assert.Null(b.Grad);
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void ZeroGrad_without_setToNone_fills_the_same_gradient_tensor_with_zeros(string name)
    {
        var (a, b) = (Parameter(), Parameter(7));
        var optimizer = Make(name, [a, b]);
        var gradient = a.Grad = Tensor.Ones(a.Shape, a.DType);
        optimizer.ZeroGrad(setToNone: false);
        Assert.Same(gradient, a.Grad);
        Assert.All(a.Grad!.ToArray<double>(), value => Assert.Equal(0.0, value));
        Assert.Null(b.Grad); // a null gradient stays null
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void After_ZeroGrad_backward_writes_a_fresh_gradient_into_the_released_tensor(string name)
    {
        var (a, b) = (Parameter(), Tensor.Randn([1, 7], seed: 7, DType.Float64).RequireGrad());
        var optimizer = Make(name, [a, b]);
        (a * a).Sum().Backward();                           // accumulating rule: a's gradient is 2a
        Losses.SoftmaxCrossEntropy(b, [3]).Backward();      // storing rule: b's gradient is softmax(b) − onehot(3)
        var (oldA, oldB) = (a.Grad!, b.Grad!);
        int versionA = oldA.Version.Value;

        optimizer.ZeroGrad();
        Assert.Null(a.Grad);
        Assert.Null(b.Grad);
        (a * 3).Sum().Backward();
        Losses.SoftmaxCrossEntropy(b, [5]).Backward();

        Assert.All(a.Grad!.ToArray<double>(), g => Assert.Equal(3.0, g)); // 3, not 2a + 3
        var fresh = b.Detach().RequireGrad();
        Losses.SoftmaxCrossEntropy(fresh, [5]).Backward();
        Assert.Equal(fresh.Grad!.ToArray<double>(), b.Grad!.ToArray<double>());
        // The documented caveat: the old tensors now hold the new gradients, and say so by their version.
        Assert.Same(oldA, a.Grad);
        Assert.Same(oldB, b.Grad);
        Assert.True(oldA.Version.Value > versionA);
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void ZeroGrad_never_reuses_a_gradient_the_user_assigned(string name)
    {
        var (a, b) = (Parameter(), Parameter());
        var optimizer = Make(name, [a, b]);
        var shared = Tensor.Full(a.Shape, 7, a.DType);
        a.Grad = shared;
        b.Grad = shared;
        optimizer.ZeroGrad();
        (a + 2 * b).Sum().Backward();
        Assert.All(a.Grad!.ToArray<double>(), g => Assert.Equal(1.0, g));
        Assert.All(b.Grad!.ToArray<double>(), g => Assert.Equal(2.0, g));
        Assert.All(shared.ToArray<double>(), g => Assert.Equal(7.0, g));
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Step_leaves_a_parameter_without_gradient_and_its_state_untouched(string name)
    {
        var (a, b) = (Parameter(), Parameter(7));
        var optimizer = Make(name, [a, b]);
        var before = b.ToArray<double>();
        int version = b.Version.Value;
        a.Grad = Tensor.Ones(a.Shape, a.DType);
        optimizer.Step();
        optimizer.Step();
        Assert.Equal(before, b.ToArray<double>());
        Assert.Equal(version, b.Version.Value);
        Assert.Null(StateOf(optimizer, b));
        Assert.NotNull(StateOf(optimizer, a));
    }

    [Fact]
    public void A_zero_gradient_is_still_a_step_weight_decay_and_momentum_act_on_it()
    {
        var theta = Tensor.FromArray([2.0]).RequireGrad();
        var sgd = new Sgd([theta], lr: 0.1, weightDecay: 0.5);
        theta.Grad = Tensor.Zeros([1], DType.Float64);
        sgd.Step();
        Assert.Equal(2.0 - 0.1 * 0.5 * 2.0, theta.Item(), 1e-15); // θ − lr·(0 + wd·θ)
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Step_bumps_the_version_so_a_graph_that_saved_the_old_value_refuses_backward(string name)
    {
        var theta = Parameter();
        var optimizer = Make(name, [theta]);
        var loss = (theta * theta).Sum(); // Mul saves θ
        theta.Grad = Tensor.Ones(theta.Shape, theta.DType);
        int version = theta.Version.Value;
        optimizer.Step();
        Assert.Equal(version + 1, theta.Version.Value);
        Assert.ThrowsAny<InvalidOperationException>(() => loss.Backward());
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Step_while_recording_records_nothing_and_keeps_the_parameter_a_leaf(string name)
    {
        var theta = Parameter();
        var optimizer = Make(name, [theta]);
        theta.Grad = Tensor.Ones(theta.Shape, theta.DType);
        Assert.True(Tape.IsRecording);
        optimizer.Step();
        Assert.True(theta.IsLeaf);
        Assert.True(theta.RequiresGrad);
        Assert.True(Tape.IsRecording); // the no-grad scope of Step is closed again
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Step_allocates_nothing_per_parameter_after_the_first_step(string name)
    {
        // The bytes a step allocates do not grow with the number of parameters (only Step's no-grad scope remains).
        long few = AllocatedByOneStep(name, parameterCount: 1), many = AllocatedByOneStep(name, parameterCount: 40);
        Assert.Equal(few, many);
        Assert.True(many <= 64, $"{name}.Step allocated {many} bytes.");
    }

    private static long AllocatedByOneStep(string name, int parameterCount)
    {
        var parameters = new Tensor[parameterCount];
        for (int i = 0; i < parameterCount; i++)
        {
            parameters[i] = Parameter(33, i % 2 == 0 ? DType.Float32 : DType.Float64);
            parameters[i].Grad = Tensor.Ones(parameters[i].Shape, parameters[i].DType);
        }
        var optimizer = Make(name, parameters);
        for (int warmUp = 0; warmUp < 3; warmUp++) optimizer.Step();
        // The fewest over several steps: the runtime may allocate once on this thread while it recompiles a method.
        long fewestBytes = long.MaxValue;
        for (int step = 0; step < 5; step++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            optimizer.Step();
            fewestBytes = Math.Min(fewestBytes, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewestBytes;
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Float32_and_float64_parameters_can_share_an_optimiser(string name)
    {
        var (single, twice) = (Parameter(9, DType.Float32), Parameter(9, DType.Float64));
        var optimizer = Make(name, [single, twice]);
        single.Grad = Tensor.Ones([9], DType.Float32);
        twice.Grad = Tensor.Ones([9], DType.Float64);
        optimizer.Step();
        // The same update in both dtypes: agreement to float32 precision.
        var expected = twice.ToArray<double>();
        var actual = single.ToArray<float>();
        for (int i = 0; i < 9; i++) Assert.Equal(expected[i], actual[i], 1e-6);
    }

    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var theta = Parameter();
        var sgd = new Sgd([theta]);
        Assert.Equal((1e-3, 0.0, 0.0, false, 0.0, false), (sgd.Lr, sgd.Momentum, sgd.Dampening, sgd.Nesterov, sgd.WeightDecay, sgd.Maximize));
        var adam = new Adam([theta]);
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0, false, false), (adam.Lr, adam.Beta1, adam.Beta2, adam.Eps, adam.WeightDecay, adam.Amsgrad, adam.Maximize));
        var adamW = new AdamW([theta]);
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 1e-2, false, false), (adamW.Lr, adamW.Beta1, adamW.Beta2, adamW.Eps, adamW.WeightDecay, adamW.Amsgrad, adamW.Maximize));
        var rmsProp = new RmsProp([theta]);
        Assert.Equal((1e-2, 0.99, 1e-8, 0.0, 0.0, false, false), (rmsProp.Lr, rmsProp.Alpha, rmsProp.Eps, rmsProp.WeightDecay, rmsProp.Momentum, rmsProp.Centered, rmsProp.Maximize));
    }

    [Fact]
    public void State_is_allocated_on_the_first_step_with_the_parameters_shape_and_dtype()
    {
        var theta = Tensor.Zeros([2, 3], DType.Float32).RequireGrad();
        var adam = new Adam([theta], amsgrad: true);
        Assert.Null(adam.StateOf(theta));
        theta.Grad = Tensor.Ones([2, 3]);
        adam.Step();
        var state = adam.StateOf(theta)!;
        Assert.All([state.ExpAvg, state.ExpAvgSq, state.MaxExpAvgSq!], buffer => Assert.Equal(([2, 3], DType.Float32), (buffer.Shape, buffer.DType)));
        Assert.Equal(1, state.Step);

        var rmsProp = new RmsProp([theta]);
        rmsProp.Step();
        Assert.Null(rmsProp.StateOf(theta)!.MomentumBuffer); // only the state the options need
        Assert.Null(rmsProp.StateOf(theta)!.GradAvg);
        Assert.Null(new Sgd([theta], lr: 0.1).MomentumBuffer(theta));
    }

    [Fact]
    public void Asking_for_the_state_of_a_foreign_tensor_names_the_problem()
    {
        var adam = new Adam([Parameter()]);
        var error = Assert.Throws<ArgumentException>(() => adam.StateOf(Parameter(3)));
        Assert.Contains("is not one of this optimiser's 1 parameters", error.Message);
    }

    [Fact]
    public void RmsProp_centered_stays_finite_where_PyTorch_takes_the_root_of_a_negative_variance()
    {
        // A constant gradient makes the centred variance s − a² decay to 0; rounding then makes it slightly
        // negative. PyTorch 1.13 (float32, lr 1e-3, g = 0.1, 64 elements) turns θ into NaN at step 1201:
        //   p = torch.zeros(64, requires_grad=True); o = torch.optim.RMSprop([p], lr=1e-3, centered=True)
        //   for t in range(2000): p.grad = torch.full((64,), 0.1); o.step()
        var theta = Tensor.Zeros([64]).RequireGrad();
        var rmsProp = new RmsProp([theta], lr: 1e-3, centered: true);
        for (int step = 0; step < 2000; step++)
        {
            theta.Grad = Tensor.Full([64], 0.1);
            rmsProp.Step();
        }
        Assert.All(theta.ToArray<float>(), value => Assert.True(float.IsFinite(value) && value < 0, $"θ = {value}"));
    }

    [Fact]
    public void Lr_sets_every_group_and_reads_only_when_they_agree()
    {
        var (a, b) = (Parameter(), Parameter(3));
        var sgd = new Sgd([new ParameterGroup([a]), new ParameterGroup([b], lr: 0.5)], lr: 0.1);
        var error = Assert.Throws<InvalidOperationException>(() => sgd.Lr);
        Assert.Contains("different values of Lr", error.Message);
        sgd.Lr = 0.25;
        Assert.Equal(0.25, sgd.Lr);
        Assert.All(sgd.ParamGroups, group => Assert.Equal(0.25, group.Lr));
        Assert.Equal([a, b], sgd.Parameters);
    }

    [Fact]
    public void A_refused_optimiser_leaves_the_callers_groups_as_they_were()
    {
        var group = new ParameterGroup([Parameter()]);
        Assert.Throws<ArgumentException>(() => new Sgd([group], lr: 0.1, nesterov: true));
        Assert.Throws<InvalidOperationException>(() => group.Lr); // still unset
        var sgd = new Sgd([group], lr: 0.5, momentum: 0.9, nesterov: true);
        Assert.Equal(0.5, group.Lr);
        Assert.Same(group, sgd.ParamGroups[0]);
    }

    public static TheoryData<string, Func<Tensor, object>, string> BadHyperParameters => new()
    {
        { "lr", p => new Sgd([p], lr: -0.1), "Sgd: lr must be a finite number ≥ 0, got -0.1." },
        { "lr", p => new Adam([p], lr: double.NaN), "Adam: lr must be a finite number ≥ 0, got NaN." },
        { "lr", p => new RmsProp([p], lr: double.PositiveInfinity), "RmsProp: lr must be a finite number ≥ 0, got Infinity." },
        { "weightDecay", p => new AdamW([p], weightDecay: -0.01), "AdamW: weightDecay must be a finite number ≥ 0, got -0.01." },
        { "momentum", p => new Sgd([p], momentum: -0.9), "Sgd: momentum must be a finite number ≥ 0, got -0.9." },
        { "dampening", p => new Sgd([p], momentum: 0.9, dampening: double.NaN), "Sgd: dampening must be finite, got NaN." },
        { "nesterov", p => new Sgd([p], nesterov: true), "Sgd: Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0 and dampening 0." },
        { "nesterov", p => new Sgd([p], momentum: 0.9, dampening: 0.1, nesterov: true), "Sgd: Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0.9 and dampening 0.1." },
        { "beta1", p => new Adam([p], beta1: 1.0), "Adam: beta1 must be in [0, 1), got 1." },
        { "beta2", p => new AdamW([p], beta2: -0.5), "AdamW: beta2 must be in [0, 1), got -0.5." },
        { "eps", p => new Adam([p], eps: -1e-8), "Adam: eps must be a finite number ≥ 0, got -1E-08." },
        { "alpha", p => new RmsProp([p], alpha: 1.5), "RmsProp: alpha must be in [0, 1], got 1.5." },
        { "momentum", p => new RmsProp([p], momentum: -1), "RmsProp: momentum must be a finite number ≥ 0, got -1." },
        { "eps", p => new RmsProp([p], eps: -1), "RmsProp: eps must be a finite number ≥ 0, got -1." },
        { "lr", p => new ParameterGroup([p], lr: -1), "ParameterGroup: lr must be a finite number ≥ 0, got -1." },
        { "Lr", p => new Adam([p]).Lr = -0.5, "Adam: Lr must be a finite number ≥ 0, got -0.5." },
        { "WeightDecay", p => new Sgd([p]).WeightDecay = double.NaN, "Sgd: WeightDecay must be a finite number ≥ 0, got NaN." },
    };

    [Theory]
    [MemberData(nameof(BadHyperParameters))]
    public void Bad_hyper_parameters_are_refused_with_a_message_naming_them(string parameterName, Func<Tensor, object> make, string message)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => make(Parameter()));
        Assert.Equal(parameterName, error.ParamName);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void A_parameter_that_is_not_a_leaf_is_refused()
    {
        var leaf = Parameter();
        var error = Assert.Throws<ArgumentException>(() => new Adam([leaf, leaf * 2.0]));
        Assert.StartsWith("Adam: parameter 1 (shape [5]) is not a leaf: it was computed by Mul.", error.Message);
    }

    [Fact]
    public void A_parameter_that_does_not_require_grad_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Sgd([Tensor.Zeros([2, 2])]));
        Assert.StartsWith("Sgd: parameter 0 (shape [2, 2]) does not require grad, so it would never receive a gradient.", error.Message);
    }

    [Fact]
    public void A_parameter_given_twice_is_refused_even_across_groups()
    {
        var (a, b) = (Parameter(), Parameter(3));
        var error = Assert.Throws<ArgumentException>(() => new RmsProp([a, b, a]));
        Assert.StartsWith("RmsProp: parameter 2 (shape [5]) is the same tensor as parameter 0; each parameter may appear only once.", error.Message);
        error = Assert.Throws<ArgumentException>(() => new AdamW([new ParameterGroup([a, b]), new ParameterGroup([b])]));
        Assert.StartsWith("AdamW: parameter 0 of group 1 (shape [3]) is the same tensor as parameter 1 of group 0;", error.Message);
    }

    [Fact]
    public void An_empty_parameter_list_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Adam(Array.Empty<Tensor>()));
        Assert.StartsWith("Adam: the parameter list is empty;", error.Message);
        error = Assert.Throws<ArgumentException>(() => new Sgd([new ParameterGroup([Parameter()]), new ParameterGroup([])]));
        Assert.StartsWith("Sgd: parameter group 1 is empty;", error.Message);
    }

    private static object? StateOf(Optimizer optimizer, Tensor parameter) => optimizer switch
    {
        Sgd sgd => sgd.MomentumBuffer(parameter),
        Adam adam => adam.StateOf(parameter), // AdamW too
        RmsProp rmsProp => rmsProp.StateOf(parameter),
        _ => throw new ArgumentException(optimizer.GetType().Name),
    };
}
