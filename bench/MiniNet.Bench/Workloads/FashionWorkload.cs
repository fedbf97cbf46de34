using System.Diagnostics;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Bench.Workloads;

/// <summary>
/// The Fashion-MNIST training workloads, as torch_peer.py's <c>--fashion</c> and <c>--cnn</c>: epochs over the 60,000
/// training images (pixels / 255, shuffled, batch 128, Adam 1e-3); the median epoch in seconds, then the accuracy on
/// the 10,000 test images in percent. <see cref="Mlp"/> trains the MLP 784-256-10 for ten epochs; <see cref="Cnn"/>
/// the two-convolution CNN for three, on [N, 1, 28, 28] images.
/// </summary>
internal sealed class FashionWorkload
{
    private const int BatchSize = 128;

    /// <summary><c>fashion.mlp784-256-10.b128.adam.epoch</c> and <c>….10epochs.test_accuracy</c>.</summary>
    public static readonly FashionWorkload Mlp = new("fashion.mlp784-256-10.b128.adam", 10, imageShape: null, g => Workloads.Mlp.Build([784, 256, 10], g));

    /// <summary><c>fashion.cnn.b128.adam.epoch</c> and <c>….3epochs.test_accuracy</c>.</summary>
    public static readonly FashionWorkload Cnn = new("fashion.cnn.b128.adam", 3, imageShape: [1, 28, 28], Workloads.Cnn.Build);

    private readonly string _name;
    private readonly int _epochs;
    private readonly int[]? _imageShape; // null: the flat rows of 784 pixels the MLP takes
    private readonly Func<Generator, Module> _build;

    private FashionWorkload(string name, int epochs, int[]? imageShape, Func<Generator, Module> build) =>
        (_name, _epochs, _imageShape, _build) = (name, epochs, imageShape, build);

    /// <summary>The epoch's name in WORKLOADS.md.</summary>
    public string EpochName => $"{_name}.epoch";

    /// <summary>The test accuracy's name in WORKLOADS.md.</summary>
    public string AccuracyName => $"{_name}.{_epochs}epochs.test_accuracy";

    /// <summary>Trains and evaluates; returns (seconds per epoch, test accuracy in %).</summary>
    public (double EpochSeconds, double TestAccuracy) Measure(string directory)
    {
        var train = FashionMnist.Load(directory, train: true);
        var test = FashionMnist.Load(directory, train: false);
        var generator = new Generator(0);
        var model = _build(generator);
        var optim = new Adam(model.Parameters(), lr: 1e-3);
        var head = new SoftmaxHead();
        var loader = new DataLoader(train, BatchSize, shuffle: true, generator: generator);

        var arena = new StepArena();
        var seconds = new double[_epochs];
        for (int epoch = 0; epoch < _epochs; epoch++)
        {
            long start = Stopwatch.GetTimestamp();
            foreach (var batch in loader)
                MlpStepWorkload.Step(arena, model, optim, head, Images(batch.Features), batch.Labels);
            seconds[epoch] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(seconds);

        model.Eval();
        var testImages = Images(test.ToTensor());
        var labels = test.GetLabels();
        int correct = 0;
        using (Tape.NoGrad())
            for (int first = 0; first < test.Count; first += 1000) // the peer's evaluation batches
            {
                int count = Math.Min(1000, test.Count - first);
                correct += head.CountCorrect(model.Forward(testImages.Narrow(0, first, count)), labels[first..(first + count)]);
            }
        return (seconds[_epochs / 2], 100.0 * correct / test.Count);
    }

    /// <summary>The batch as the model takes it: flat rows for the MLP, [N, 1, 28, 28] for the CNN.</summary>
    private Tensor Images(Tensor rows) => _imageShape is null ? rows : rows.Reshape([rows.Shape[0], .. _imageShape]);
}
