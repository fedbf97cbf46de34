namespace MiniNet.Bench.Workloads;

/// <summary>
/// <c>softmax_ce.4096x1000</c> and <c>sigmoid_bce.4096x1000</c>: a fused head's mean loss over a 4096×1000 matrix of
/// standard-normal logits, forward and backward to the logits' gradient (cleared to null before each call, as the peer does).
/// </summary>
internal sealed class HeadWorkload(bool softmax) : Workload
{
    private const int Rows = 4096, Classes = 1000;

    public override string Name => $"{(softmax ? "softmax_ce" : "sigmoid_bce")}.{Rows}x{Classes}";

    public override string Unit => "us/fwd+bwd";

    public override double Measure()
    {
        var generator = new Generator(0);
        var logits = Tensor.Randn([Rows, Classes], seed: 1).RequireGrad();
        Action forwardBackward;
        if (softmax)
        {
            var labels = new int[Rows];
            for (int i = 0; i < labels.Length; i++) labels[i] = generator.NextInt(Classes);
            forwardBackward = () =>
            {
                logits.Grad = null;
                Losses.SoftmaxCrossEntropy(logits, labels).Backward();
            };
        }
        else
        {
            var bits = new float[Rows * Classes];
            for (int i = 0; i < bits.Length; i++) bits[i] = generator.NextInt(2);
            var targets = Tensor.FromArray(bits, [Rows, Classes]);
            forwardBackward = () =>
            {
                logits.Grad = null;
                Losses.SigmoidBinaryCrossEntropy(logits, targets).Backward();
            };
        }
        return Timing.MedianSeconds(forwardBackward, 20) * 1e6;
    }
}
