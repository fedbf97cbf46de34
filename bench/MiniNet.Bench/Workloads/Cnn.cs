using MiniNet.Layers;

namespace MiniNet.Bench.Workloads;

/// <summary>The CNN of <c>fashion.cnn.b128.adam.epoch</c>, as torch_peer.py's <c>--cnn</c> model and examples/FashionMnist's <c>--model cnn</c>.</summary>
internal static class Cnn
{
    /// <summary>Conv2d(1,32,3,p1) → ReLU → MaxPool2d(2) → Conv2d(32,64,3,p1) → ReLU → MaxPool2d(2) → Flatten → Dense(3136,128) → ReLU → Dense(128,10).</summary>
    public static Sequential Build(Generator generator) => new(
        new Conv2d(1, 32, 3, padding: 1, generator: generator), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, padding: 1, generator: generator), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Dense(64 * 7 * 7, 128, generator: generator), new ReLU(), new Dense(128, 10, generator: generator));
}
