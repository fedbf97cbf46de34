using MiniNet.Layers;

namespace MiniNet.Bench.Workloads;

/// <summary>
/// <c>conv2d.b64.32x14x14.64x3x3</c>: one Conv2d(32, 64, kernel 3, padding 1) on a [64, 32, 14, 14] batch of standard
/// normals, forward, then backward of the output's sum to the input, the weight and the bias (each gradient cleared to
/// null before the call, as the peer's <c>x.grad = None; conv.zero_grad()</c>).
/// </summary>
internal sealed class ConvolutionWorkload : Workload
{
    public override string Name => "conv2d.b64.32x14x14.64x3x3";

    public override string Unit => "us/fwd+bwd";

    public override double Measure()
    {
        var conv = new Conv2d(32, 64, 3, padding: 1, generator: new Generator(0));
        var input = Tensor.Randn([64, 32, 14, 14], seed: 1).RequireGrad();
        var arena = new StepArena();
        void ForwardBackward()
        {
            using var step = arena.Step();
            input.Grad = null;
            conv.ZeroGrad();
            conv.Forward(input).Sum().Backward();
        }
        return Timing.MedianSeconds(ForwardBackward, 10) * 1e6;
    }
}
