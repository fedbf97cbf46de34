using MiniNet.Optim;

namespace MiniNet.Tests.Optim;

/// <summary>Three steps of SGD with momentum and of Adam, worked by hand, for a reader to follow the formulas.</summary>
public class HandWorkedExamplesTests
{
    // SGD, lr = 0.1, momentum μ = 0.9, on L(θ) = θ² (so g = 2θ), from θ = 1:
    //   step 1: g = 2                              b = g = 2 (the first step stores g itself)
    //           θ = 1 − 0.1·2 = 0.8
    //   step 2: g = 2·0.8 = 1.6                    b = 0.9·2 + 1.6 = 3.4
    //           θ = 0.8 − 0.1·3.4 = 0.46
    //   step 3: g = 2·0.46 = 0.92                  b = 0.9·3.4 + 0.92 = 3.98
    //           θ = 0.46 − 0.1·3.98 = 0.062
    [Fact]
    public void Sgd_with_momentum_three_steps_on_theta_squared_by_hand()
    {
        var theta = Tensor.FromArray([1.0]).RequireGrad();
        var sgd = new Sgd([theta], lr: 0.1, momentum: 0.9);
        double[] expectedTheta = [0.8, 0.46, 0.062], expectedBuffer = [2, 3.4, 3.98];
        for (int step = 0; step < 3; step++)
        {
            sgd.ZeroGrad();
            (theta * theta).Sum().Backward();
            sgd.Step();
            Assert.Equal(expectedTheta[step], theta.Item(), 1e-15);
            Assert.Equal(expectedBuffer[step], sgd.MomentumBuffer(theta)!.Item(), 1e-15);
        }
    }

    // Adam, lr = 0.1, β₁ = 0.9, β₂ = 0.999, eps = 1e-8, from θ = 1, with gradients 2, −1, 0.5:
    //   m ← 0.9·m + 0.1·g,  v ← 0.999·v + 0.001·g²,  θ ← θ − 0.1·(m / (1 − 0.9ᵗ)) / (√(v / (1 − 0.999ᵗ)) + eps)
    //   step 1: m = 0.2          v = 0.004                      m̂ = 0.2/0.1 = 2
    //           √v̂ = √(0.004/0.001) = 2                          θ = 1 − 0.1·2/(2 + 1e-8) = 0.9000000005
    //   step 2: m = 0.18 − 0.1 = 0.08                           v = 0.003996 + 0.001 = 0.004996
    //           m̂ = 0.08/0.19 = 0.4210526316                     √v̂ = √(0.004996/0.001999) = 1.580901523
    //           θ = 0.9000000005 − 0.1·0.4210526316/1.580901523 = 0.9000000005 − 0.0266337038 = 0.8733662967
    //   step 3: m = 0.072 + 0.05 = 0.122                        v = 0.004991004 + 0.00025 = 0.005241004
    //           m̂ = 0.122/0.271 = 0.4501845018                   √v̂ = √(0.005241004/0.002997001) = 1.322402926
    //           θ = 0.8733662967 − 0.1·0.4501845018/1.322402926 = 0.8733662967 − 0.0340429146 = 0.8393233821
    // (In the first step Adam moves θ by almost exactly lr, whatever the gradient's size: m̂/√v̂ = g/|g|.)
    [Fact]
    public void Adam_three_steps_by_hand()
    {
        var theta = Tensor.FromArray([1.0]).RequireGrad();
        var adam = new Adam([theta], lr: 0.1);
        double[] gradients = [2, -1, 0.5], expectedTheta = [0.9000000005, 0.8733662967, 0.8393233821];
        double[] expectedM = [0.2, 0.08, 0.122], expectedV = [0.004, 0.004996, 0.005241004];
        for (int step = 0; step < 3; step++)
        {
            theta.Grad = Tensor.FromArray([gradients[step]]);
            adam.Step();
            var state = adam.StateOf(theta)!;
            Assert.Equal(step + 1, state.Step);
            Assert.Equal(expectedM[step], state.ExpAvg.Item(), 1e-15);
            Assert.Equal(expectedV[step], state.ExpAvgSq.Item(), 1e-15);
            Assert.Equal(expectedTheta[step], theta.Item(), 1e-10);
        }
    }
}
