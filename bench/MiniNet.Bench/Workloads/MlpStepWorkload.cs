using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Bench.Workloads;

/// <summary>
/// <c>mlp{sizes}.b{batch}.{optimizer}</c>: one training step as a user writes it — zero the gradients, forward
/// through the MLP, the fused softmax cross-entropy on class indices (mean), backward, the optimiser's step.
/// </summary>
internal sealed class MlpStepWorkload(int[] sizes, int batchSize, string optimizer) : Workload
{
    public override string Name => $"mlp{string.Join('-', sizes)}.b{batchSize}.{optimizer}";

    public override string Unit => "us/step";

    public override double Measure()
    {
        var generator = new Generator(0);
        var model = Mlp.Build(sizes, generator);
        Optimizer optim = optimizer == "sgd" ? new Sgd(model.Parameters(), lr: 0.01) : new Adam(model.Parameters(), lr: 1e-3);
        var input = Tensor.Randn([batchSize, sizes[0]], seed: 1);
        var labels = new int[batchSize];
        for (int i = 0; i < labels.Length; i++) labels[i] = generator.NextInt(sizes[^1]);
        var head = new SoftmaxHead();

        // The peer's repetition count: 200 steps per round up to batch 64, 50 above.
        var arena = new StepArena();
        double seconds = Timing.MedianSeconds(() => Step(arena, model, optim, head, input, labels), batchSize <= 64 ? 200 : 50);
        return seconds * 1e6;
    }

    /// <summary>One training step, as a training loop writes it: in a step of <paramref name="arena"/>, so it allocates nothing.</summary>
    public static void Step(StepArena arena, Module model, Optimizer optim, SoftmaxHead head, Tensor input, int[] labels)
    {
        using var step = arena.Step();
        optim.ZeroGrad();
        head.Loss(model.Forward(input), labels).Backward();
        optim.Step();
    }
}
