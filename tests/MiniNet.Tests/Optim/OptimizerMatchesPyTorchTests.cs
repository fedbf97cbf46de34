using MiniNet.Optim;
using static MiniNet.Tests.Optim.OptimizerReference;
using static MiniNet.Tests.Optim.OptimTestKit;

namespace MiniNet.Tests.Optim;

/// <summary>
/// Every optimiser and every option against PyTorch 1.13, step by step for four steps (see
/// OptimizerReference.cs for the values and the script that produced them). torch 1.13's SGD has no
/// default learning rate, so the SGD references all pass one; MiniNet's default is PyTorch 2's 1e-3.
/// </summary>
public class OptimizerMatchesPyTorchTests
{
    [Fact]
    public void Sgd_matches_PyTorch() => AssertMatchesPyTorch(p => new Sgd(p, lr: 0.1), SgdPlain);

    [Fact]
    public void Sgd_matches_PyTorch_in_float32() => AssertMatchesPyTorch(p => new Sgd(p, lr: 0.1), SgdPlainFloat32, DType.Float32);

    [Fact]
    public void Sgd_with_momentum_matches_PyTorch() => AssertMatchesPyTorch(p => new Sgd(p, lr: 0.1, momentum: 0.9), SgdMomentum);

    [Fact]
    public void Sgd_with_momentum_and_dampening_matches_PyTorch() =>
        AssertMatchesPyTorch(p => new Sgd(p, lr: 0.1, momentum: 0.9, dampening: 0.25), SgdMomentumDampening);

    [Fact]
    public void Sgd_with_nesterov_momentum_matches_PyTorch() =>
        AssertMatchesPyTorch(p => new Sgd(p, lr: 0.1, momentum: 0.9, nesterov: true), SgdNesterov);

    [Fact]
    public void Sgd_with_weight_decay_matches_PyTorch() => AssertMatchesPyTorch(p => new Sgd(p, lr: 0.1, weightDecay: 0.05), SgdWeightDecay);

    [Fact]
    public void Sgd_maximizing_with_momentum_matches_PyTorch() =>
        AssertMatchesPyTorch(p => new Sgd(p, lr: 0.1, momentum: 0.5, maximize: true), SgdMomentumMaximize);

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Sgd_with_momentum_dampening_weight_decay_and_maximize_matches_PyTorch(DType dtype) =>
        AssertMatchesPyTorch(p => new Sgd(p, lr: 0.2, momentum: 0.8, dampening: 0.3, weightDecay: 0.1, maximize: true),
            dtype == DType.Float64 ? SgdAllOptions : SgdAllOptionsFloat32, dtype);

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Sgd_with_nesterov_weight_decay_and_maximize_matches_PyTorch(DType dtype) =>
        AssertMatchesPyTorch(p => new Sgd(p, lr: 0.05, momentum: 0.7, nesterov: true, weightDecay: 0.02, maximize: true),
            dtype == DType.Float64 ? SgdNesterovWeightDecayMaximize : SgdNesterovWeightDecayMaximizeFloat32, dtype);

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Adam_with_defaults_matches_PyTorch(DType dtype) =>
        AssertMatchesPyTorch(p => new Adam(p), dtype == DType.Float64 ? AdamDefaults : AdamDefaultsFloat32, dtype);

    [Fact]
    public void Adam_with_other_betas_and_eps_matches_PyTorch() =>
        AssertMatchesPyTorch(p => new Adam(p, lr: 0.1, beta1: 0.8, beta2: 0.95, eps: 1e-6), AdamBetasEps);

    [Fact]
    public void Adam_with_weight_decay_matches_PyTorch() => AssertMatchesPyTorch(p => new Adam(p, lr: 0.1, weightDecay: 0.1), AdamWeightDecay);

    [Fact]
    public void Adam_with_amsgrad_matches_PyTorch() => AssertMatchesPyTorch(p => new Adam(p, lr: 0.1, amsgrad: true), AdamAmsgrad);

    [Fact]
    public void Adam_maximizing_matches_PyTorch() => AssertMatchesPyTorch(p => new Adam(p, lr: 0.1, maximize: true), AdamMaximize);

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Adam_with_every_option_matches_PyTorch(DType dtype) =>
        AssertMatchesPyTorch(p => new Adam(p, lr: 0.05, beta1: 0.85, beta2: 0.99, eps: 1e-4, weightDecay: 0.2, amsgrad: true, maximize: true),
            dtype == DType.Float64 ? AdamAllOptions : AdamAllOptionsFloat32, dtype);

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void AdamW_with_defaults_matches_PyTorch(DType dtype) =>
        AssertMatchesPyTorch(p => new AdamW(p), dtype == DType.Float64 ? AdamWDefaults : AdamWDefaultsFloat32, dtype);

    [Fact]
    public void AdamW_with_strong_decoupled_decay_matches_PyTorch() =>
        AssertMatchesPyTorch(p => new AdamW(p, lr: 0.1, weightDecay: 0.5), AdamWStrongDecay);

    [Fact]
    public void AdamW_with_amsgrad_matches_PyTorch() => AssertMatchesPyTorch(p => new AdamW(p, lr: 0.1, amsgrad: true), AdamWAmsgrad);

    [Fact]
    public void AdamW_maximizing_matches_PyTorch() => AssertMatchesPyTorch(p => new AdamW(p, lr: 0.1, maximize: true), AdamWMaximize);

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void AdamW_with_every_option_matches_PyTorch(DType dtype) =>
        AssertMatchesPyTorch(p => new AdamW(p, lr: 0.05, beta1: 0.85, beta2: 0.99, eps: 1e-4, weightDecay: 0.3, amsgrad: true, maximize: true),
            dtype == DType.Float64 ? AdamWAllOptions : AdamWAllOptionsFloat32, dtype);

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void RmsProp_with_defaults_matches_PyTorch(DType dtype) =>
        AssertMatchesPyTorch(p => new RmsProp(p), dtype == DType.Float64 ? RmsPropDefaults : RmsPropDefaultsFloat32, dtype);

    [Fact]
    public void RmsProp_with_other_alpha_and_eps_matches_PyTorch() =>
        AssertMatchesPyTorch(p => new RmsProp(p, lr: 0.01, alpha: 0.9, eps: 1e-3), RmsPropAlphaEps);

    [Fact]
    public void RmsProp_with_weight_decay_matches_PyTorch() => AssertMatchesPyTorch(p => new RmsProp(p, lr: 0.01, weightDecay: 0.1), RmsPropWeightDecay);

    [Fact]
    public void RmsProp_with_momentum_matches_PyTorch() => AssertMatchesPyTorch(p => new RmsProp(p, lr: 0.01, momentum: 0.9), RmsPropMomentum);

    [Fact]
    public void RmsProp_centered_matches_PyTorch() => AssertMatchesPyTorch(p => new RmsProp(p, lr: 0.01, centered: true), RmsPropCentered);

    [Fact]
    public void RmsProp_centered_with_momentum_matches_PyTorch() =>
        AssertMatchesPyTorch(p => new RmsProp(p, lr: 0.01, momentum: 0.9, centered: true), RmsPropCenteredMomentum);

    [Fact]
    public void RmsProp_maximizing_matches_PyTorch() => AssertMatchesPyTorch(p => new RmsProp(p, lr: 0.01, maximize: true), RmsPropMaximize);

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void RmsProp_with_every_option_matches_PyTorch(DType dtype) =>
        AssertMatchesPyTorch(p => new RmsProp(p, lr: 0.02, alpha: 0.8, eps: 1e-6, weightDecay: 0.05, momentum: 0.5, centered: true, maximize: true),
            dtype == DType.Float64 ? RmsPropAllOptions : RmsPropAllOptionsFloat32, dtype);

    [Fact]
    public void Adam_skips_a_parameter_without_gradient_and_keeps_its_own_step_count()
    {
        var (p, q) = (Theta(1), Theta(2));
        var adam = new Adam([p, q], lr: 0.1);
        RunSkippingQOnStep2(adam, p, q, AdamSkipP, AdamSkipQ);
        Assert.Equal(4, adam.StateOf(p)!.Step);
        Assert.Equal(3, adam.StateOf(q)!.Step);
    }

    [Fact]
    public void Sgd_with_momentum_skips_a_parameter_without_gradient_and_leaves_its_buffer()
    {
        var (p, q) = (Theta(1), Theta(2));
        RunSkippingQOnStep2(new Sgd([p, q], lr: 0.1, momentum: 0.9, dampening: 0.1), p, q, SgdMomentumSkipP, SgdMomentumSkipQ);
    }

    [Fact]
    public void AdamW_parameter_groups_take_their_own_learning_rate_and_weight_decay_as_in_PyTorch()
    {
        var (p, q) = (Theta(1), Theta(1));
        var adamW = new AdamW([new ParameterGroup([p]), new ParameterGroup([q], lr: 0.01, weightDecay: 0)], lr: 0.1, weightDecay: 0.5);
        RunBoth(adamW, p, q, AdamWGroupsP, AdamWGroupsQ);
        Assert.Equal([0.1, 0.01], adamW.ParamGroups.Select(g => g.Lr));
        Assert.Equal([0.5, 0.0], adamW.ParamGroups.Select(g => g.WeightDecay));
    }

    [Fact]
    public void Sgd_parameter_groups_take_their_own_learning_rate_and_weight_decay_as_in_PyTorch()
    {
        var (p, q) = (Theta(1), Theta(1));
        var sgd = new Sgd([new ParameterGroup([p], weightDecay: 0.1), new ParameterGroup([q], lr: 0.3)], lr: 0.1, momentum: 0.9);
        RunBoth(sgd, p, q, SgdGroupsP, SgdGroupsQ);
    }

    private static Tensor Theta(double scale) =>
        Tensor.FromArray(Array.ConvertAll(Theta0, v => v * scale)).RequireGrad();

    private static void RunSkippingQOnStep2(Optimizer optimizer, Tensor p, Tensor q, double[][] expectedP, double[][] expectedQ)
    {
        for (int step = 0; step < StepGradients.Length; step++)
        {
            p.Grad = Tensor.FromArray(StepGradients[step]);
            q.Grad = step == 1 ? null : Tensor.FromArray(StepGradients[step]);
            var qBefore = q.ToArray<double>();
            optimizer.Step();
            if (step == 1) Assert.Equal(qBefore, q.ToArray<double>()); // untouched, bit for bit
            AssertTiled(expectedP[step], p, Float64Tolerance, $"p, step {step + 1}");
            AssertTiled(expectedQ[step], q, Float64Tolerance, $"q, step {step + 1}");
        }
    }

    private static void RunBoth(Optimizer optimizer, Tensor p, Tensor q, double[][] expectedP, double[][] expectedQ)
    {
        for (int step = 0; step < StepGradients.Length; step++)
        {
            p.Grad = Tensor.FromArray(StepGradients[step]);
            q.Grad = Tensor.FromArray(StepGradients[step]);
            optimizer.Step();
            AssertTiled(expectedP[step], p, Float64Tolerance, $"p, step {step + 1}");
            AssertTiled(expectedQ[step], q, Float64Tolerance, $"q, step {step + 1}");
        }
    }
}
