using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Tests.Optim;

/// <summary>
/// End to end: each optimiser fits a linear regression y = X·w* + b* (64 examples, 3 features, float32,
/// noiseless, so the least-squares solution is w* and b* exactly) through the real backward pass.
/// </summary>
public class TrainingSanityTests
{
    private static readonly float[] TrueWeights = [2f, -3f, 0.5f];
    private const float TrueBias = 1f;

    private sealed record Fit(float[] Weights, float Bias, double FirstLoss, double LastLoss);

    private static Fit Train(Func<Tensor[], Optimizer> makeOptimizer, int steps, Func<Optimizer, LrScheduler>? makeSchedule = null, double? clipNorm = null)
    {
        var inputs = Tensor.Randn([64, 3], seed: 7);
        var targets = inputs.MatMul(Tensor.FromArray(TrueWeights, [3, 1])) + TrueBias;
        var weights = Tensor.Zeros([3, 1]).RequireGrad();
        var bias = Tensor.Zeros([1]).RequireGrad();
        var optimizer = makeOptimizer([weights, bias]);
        var schedule = makeSchedule?.Invoke(optimizer);
        double firstLoss = 0, lastLoss = 0;
        for (int step = 0; step < steps; step++)
        {
            optimizer.ZeroGrad();
            var error = inputs.MatMul(weights) + bias - targets;
            var loss = (error * error).Mean();
            loss.Backward();
            if (clipNorm is double maxNorm) GradientClipping.ClipGradNorm([weights, bias], maxNorm);
            optimizer.Step();
            schedule?.Step();
            if (step == 0) firstLoss = loss.Item();
            lastLoss = loss.Item();
        }
        return new Fit(weights.ToArray<float>(), (float)bias.Item(), firstLoss, lastLoss);
    }

    private static void AssertRecovers(Fit fit, double tolerance, double lossBelow)
    {
        Assert.True(fit.FirstLoss > 5, $"first loss {fit.FirstLoss}"); // it starts far from the solution
        Assert.True(fit.LastLoss < lossBelow, $"final loss {fit.LastLoss}");
        for (int i = 0; i < 3; i++) Assert.Equal(TrueWeights[i], fit.Weights[i], tolerance);
        Assert.Equal(TrueBias, fit.Bias, tolerance);
    }

    [Fact]
    public void Sgd_fits_a_linear_regression() =>
        AssertRecovers(Train(p => new Sgd(p, lr: 0.1), steps: 200), tolerance: 1e-4, lossBelow: 1e-8);

    [Fact]
    public void Sgd_with_nesterov_momentum_fits_a_linear_regression() =>
        AssertRecovers(Train(p => new Sgd(p, lr: 0.05, momentum: 0.9, nesterov: true), steps: 200), tolerance: 1e-4, lossBelow: 1e-8);

    [Fact]
    public void Adam_fits_a_linear_regression() =>
        AssertRecovers(Train(p => new Adam(p, lr: 0.05), steps: 400), tolerance: 1e-3, lossBelow: 1e-6);

    [Fact]
    public void AdamW_without_decay_fits_a_linear_regression() =>
        AssertRecovers(Train(p => new AdamW(p, lr: 0.05, weightDecay: 0), steps: 400), tolerance: 1e-3, lossBelow: 1e-6);

    [Fact]
    public void RmsProp_fits_a_linear_regression() =>
        AssertRecovers(Train(p => new RmsProp(p, lr: 0.01, momentum: 0.5), steps: 400), tolerance: 1e-3, lossBelow: 1e-6);

    [Fact]
    public void AdamW_decay_pulls_the_fit_towards_zero()
    {
        var free = Train(p => new AdamW(p, lr: 0.05, weightDecay: 0), steps: 400);
        var decayed = Train(p => new AdamW(p, lr: 0.05, weightDecay: 0.5), steps: 400);
        for (int i = 0; i < 3; i++) Assert.True(Math.Abs(decayed.Weights[i]) < Math.Abs(free.Weights[i]) - 1e-3, $"weight {i}");
        Assert.True(decayed.LastLoss > 1e-4);
    }

    [Fact]
    public void Sgd_with_warm_up_cosine_schedule_and_clipping_fits_a_linear_regression()
    {
        var fit = Train(p => new Sgd(p, lr: 0.2, momentum: 0.9), steps: 200,
            makeSchedule: sgd => new SequentialLr(sgd, [new LinearLr(sgd, startFactor: 0.1, totalIters: 10), new CosineAnnealingLr(sgd, tMax: 190)], milestones: [10]),
            clipNorm: 1.0);
        AssertRecovers(fit, tolerance: 1e-4, lossBelow: 1e-8);
    }

    [Fact]
    public void AdamW_trains_a_small_network_on_XOR_through_a_modules_parameters()
    {
        var inputs = Tensor.FromArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var targets = Tensor.FromArray(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } });
        var model = new Sequential(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2));
        var optimizer = new AdamW(model.Parameters(), lr: 0.05, weightDecay: 1e-4);
        Assert.Equal(4, optimizer.Parameters.Count); // two weights, two biases
        double loss = double.NaN;
        for (int step = 0; step < 500; step++)
        {
            optimizer.ZeroGrad();
            var error = model.Forward(inputs) - targets;
            var mse = (error * error).Mean();
            mse.Backward();
            optimizer.Step();
            loss = mse.Item();
        }
        Assert.True(loss < 1e-3, $"final loss {loss}");
        float[] predictions = model.Forward(inputs).ToArray<float>();
        float[] expected = [0, 1, 1, 0];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], predictions[i], 0.05f);
    }
}
