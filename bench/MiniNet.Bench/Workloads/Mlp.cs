using MiniNet.Layers;

namespace MiniNet.Bench.Workloads;

/// <summary>The workloads' models: Dense → ReLU → … → Dense, as torch_peer.py's <c>mlp(sizes)</c>.</summary>
internal static class Mlp
{
    /// <summary>Dense(sizes[0], sizes[1]) → ReLU → … → Dense(sizes[^2], sizes[^1]), PyTorch's default initialisation.</summary>
    public static Sequential Build(ReadOnlySpan<int> sizes, Generator generator)
    {
        var model = new Sequential();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            model.Add(new Dense(sizes[i], sizes[i + 1], generator: generator));
            if (i + 2 < sizes.Length) model.Add(new ReLU());
        }
        return model;
    }
}
