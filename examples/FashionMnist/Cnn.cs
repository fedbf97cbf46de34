using MiniNet.Data;
using MiniNet.Layers;

namespace MiniNet.Examples.FashionMnist;

/// <summary>
/// The CNN of MiniNet's benchmark (<c>fashion.cnn.b128.adam.epoch</c> in bench/WORKLOADS.md), so that an epoch here is
/// the benchmark's epoch: two 3 × 3 convolutions with 2 × 2 max pooling, then two dense layers. The layers sit where
/// PyTorch's <c>nn.Sequential</c> of the same network has them, so the parameters are named as its state_dict names
/// them (<c>0.weight</c>, <c>3.weight</c>, <c>7.weight</c>, <c>9.weight</c> and their biases).
/// </summary>
internal static class Cnn
{
    public const string Description = "CNN (conv 3x3 32, max pool 2, conv 3x3 64, max pool 2, dense 3136-128-10)";

    public static Sequential Build(int imageSize, int classCount, Generator initialisation)
    {
        int pooledSize = imageSize / 2 / 2, flattened = 64 * pooledSize * pooledSize; // 3136 for 28 × 28 images
        return new Sequential(
            new Conv2d(1, 32, 3, padding: 1, generator: initialisation), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, padding: 1, generator: initialisation), new ReLU(), new MaxPool2d(2),
            new Flatten(),
            new Dense(flattened, 128, generator: initialisation), new ReLU(),
            new Dense(128, classCount, generator: initialisation));
    }
}

/// <summary>
/// A data set's flat rows seen as one-channel images, [1, H, W] a sample, which is what a convolution takes: the loader
/// then fills batches of [N, 1, H, W] directly, with no reshape in the training step.
/// </summary>
internal sealed class Images(LabeledDataset rows) : IDataset
{
    public int Count => rows.Count;

    public Shape FeatureShape { get; } = [1, .. rows.SampleShape.ToArray()];

    public int ClassCount => rows.ClassCount;

    public Shape TargetShape => default;

    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets) =>
        ((IDataset)rows).CopyBatch(indices, features, labels, targets); // the same floats in the same order: only the shape differs
}
