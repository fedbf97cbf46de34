using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Tests.Optim;

/// <summary>
/// Optimizer.ErrorIfNonfinite: a step whose gradients hold NaN or ±∞ is refused, naming the parameter, and changes
/// nothing; by default the step is taken and the NaN goes into the weights, as in PyTorch.
/// </summary>
public class NonfiniteGradientTests
{
    public static TheoryData<string> OptimizerNames => ["Sgd", "Adam", "AdamW", "RmsProp"];

    private static Optimizer Make(string name, IEnumerable<Tensor> parameters) => name switch
    {
        "Sgd" => new Sgd(parameters, lr: 0.1, momentum: 0.9),
        "Adam" => new Adam(parameters, lr: 0.1),
        "AdamW" => new AdamW(parameters, lr: 0.1),
        "RmsProp" => new RmsProp(parameters, lr: 0.1, momentum: 0.9),
        _ => throw new ArgumentException(name),
    };

    private static long[] Bits(Tensor tensor) => [.. tensor.ToArray<double>().Select(BitConverter.DoubleToInt64Bits)];

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void A_refused_step_names_the_parameter_and_changes_no_weight_and_no_state(string name)
    {
        var (first, second) = (Tensor.FromArray([1.0, 2.0]).RequireGrad(), Tensor.FromArray([3.0, 4.0, 5.0]).RequireGrad());
        var optimizer = Make(name, [first, second]);
        optimizer.ErrorIfNonfinite = true;
        first.Grad = Tensor.FromArray([0.5, -0.5]); // finite, and first in line: it must not be updated either
        second.Grad = Tensor.FromArray([1.0, double.PositiveInfinity, double.NaN]);

        var error = Assert.Throws<NotFiniteNumberException>(optimizer.Step);
        Assert.Contains($"{name}.Step: the gradient of parameter 1 (shape [3] Float64, finite values in [1, 1], 1 NaN, 1 +Inf, 0 -Inf)", error.Message);
        Assert.True(double.IsNaN(error.OffendingNumber));
        Assert.Equal([1.0, 2.0], first.ToArray<double>());
        Assert.Equal([3.0, 4.0, 5.0], second.ToArray<double>());

        // No state moved either: with finite gradients, the next step is exactly a fresh optimiser's first step.
        second.Grad = Tensor.FromArray([0.25, -1.0, 2.0]);
        optimizer.Step();
        var (freshFirst, freshSecond) = (Tensor.FromArray([1.0, 2.0]).RequireGrad(), Tensor.FromArray([3.0, 4.0, 5.0]).RequireGrad());
        var fresh = Make(name, [freshFirst, freshSecond]);
        (freshFirst.Grad, freshSecond.Grad) = (Tensor.FromArray([0.5, -0.5]), Tensor.FromArray([0.25, -1.0, 2.0]));
        fresh.Step();
        Assert.Equal(Bits(freshFirst), Bits(first));
        Assert.Equal(Bits(freshSecond), Bits(second));
    }

    [Fact]
    public void The_refusal_names_the_parameter_by_its_path_in_the_model_and_its_group()
    {
        var model = new Sequential(new Dense(3, 4, seed: 1), new ReLU(), new Dense(4, 2, seed: 2));
        var weights = model.NamedParameters().Where(p => p.Name.EndsWith("weight")).Select(p => p.Parameter).ToArray();
        var biases = model.NamedParameters().Where(p => p.Name.EndsWith("bias")).Select(p => p.Parameter).ToArray();
        var optimizer = new AdamW([new ParameterGroup(weights), new ParameterGroup(biases, weightDecay: 0)]) { ErrorIfNonfinite = true };
        optimizer.NameParameters(model.NamedParameters());
        var before = model.Parameters().Select(p => p.ToArray<float>()).ToArray();
        foreach (var parameter in model.Parameters()) parameter.Grad = Tensor.Ones(parameter.Shape);
        biases[1].Grad = Tensor.FromArray([float.NegativeInfinity, 1f]); // "2.bias": parameter 3, the second of group 1

        var error = Assert.Throws<NotFiniteNumberException>(optimizer.Step);
        Assert.StartsWith("AdamW.Step: the gradient of '2.bias' (parameter 3, in group 1, shape [2] Float32, finite values in [1, 1], 0 NaN, 0 +Inf, 1 -Inf)", error.Message);
        Assert.Equal(double.NegativeInfinity, error.OffendingNumber);
        Assert.Equal(before, model.Parameters().Select(p => p.ToArray<float>()).ToArray());
    }

    [Fact]
    public void A_parameter_the_names_leave_out_is_named_by_its_position()
    {
        var (named, unnamed) = (Tensor.FromArray([1.0]).RequireGrad(), Tensor.FromArray([2.0]).RequireGrad());
        var optimizer = new Sgd([named, unnamed], lr: 0.1) { ErrorIfNonfinite = true };
        optimizer.NameParameters([("w", named), ("frozen", Tensor.FromArray([0.0]))]); // a tensor not in the optimiser is ignored
        unnamed.Grad = Tensor.FromArray([double.NaN]);
        Assert.Contains("Sgd.Step: the gradient of parameter 1 (shape [1] Float64", Assert.Throws<NotFiniteNumberException>(optimizer.Step).Message);
    }

    [Fact]
    public void By_default_Adam_writes_a_NaN_gradient_into_the_weights_as_PyTorch_does()
    {
        var parameter = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var adam = new Adam([parameter], lr: 0.1);
        Assert.False(adam.ErrorIfNonfinite);
        parameter.Grad = Tensor.FromArray([double.NaN, 0.5]);
        adam.Step();
        var values = parameter.ToArray<double>();
        Assert.True(double.IsNaN(values[0]), $"got {values[0]}");
        // The finite element takes Adam's first step: m = 0.1·0.5, v = 0.001·0.25, θ − lr·(m/(1−β₁)) / (√v/√(1−β₂) + eps).
        double expected = 2.0 - 0.1 * (0.05 / (1 - 0.9)) / (Math.Sqrt(0.00025) / Math.Sqrt(1 - 0.999) + 1e-8);
        Assert.Equal(expected, values[1], 1e-12);
    }
}
