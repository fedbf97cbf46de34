using System.Diagnostics;
using MiniNet.Data;
using MiniNet.Optim;

namespace MiniNet.Bench.Workloads;

/// <summary>
/// <c>fashion.mlp784-256-10.b128.adam.epoch</c> and <c>….10epochs.test_accuracy</c>: ten epochs over the 60,000
/// Fashion-MNIST training images (pixels / 255, shuffled, batch 128, Adam 1e-3), as torch_peer.py's <c>--fashion</c>;
/// the median epoch in seconds, then the accuracy on the 10,000 test images in percent.
/// </summary>
internal static class FashionWorkload
{
    public const string EpochName = "fashion.mlp784-256-10.b128.adam.epoch";
    public const string AccuracyName = "fashion.mlp784-256-10.b128.adam.10epochs.test_accuracy";
    private const int Epochs = 10, BatchSize = 128;

    /// <summary>Trains and evaluates; returns (seconds per epoch, test accuracy in %).</summary>
    public static (double EpochSeconds, double TestAccuracy) Measure(string directory)
    {
        var train = FashionMnist.Load(directory, train: true);
        var test = FashionMnist.Load(directory, train: false);
        var generator = new Generator(0);
        var model = Mlp.Build([784, 256, 10], generator);
        var optim = new Adam(model.Parameters(), lr: 1e-3);
        var head = new SoftmaxHead();
        var loader = new DataLoader(train, BatchSize, shuffle: true, generator: generator);

        var arena = new StepArena();
        var seconds = new double[Epochs];
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            long start = Stopwatch.GetTimestamp();
            foreach (var batch in loader)
                MlpStepWorkload.Step(arena, model, optim, head, batch.Features, batch.Labels);
            seconds[epoch] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(seconds);

        double accuracy;
        model.Eval();
        using (Tape.NoGrad()) accuracy = head.Accuracy(model.Forward(test.ToTensor()), test.GetLabels());
        return (seconds[Epochs / 2], 100.0 * accuracy);
    }
}
