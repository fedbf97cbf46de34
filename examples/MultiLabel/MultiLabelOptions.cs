namespace MiniNet.Examples.MultiLabel;

/// <summary>The example's command line, read and checked: every value in range, the data folder present.</summary>
internal sealed record MultiLabelOptions(
    string DataDirectory, bool ShippedData, int Epochs, int[] Hidden, int BatchSize, double Lr, ulong Seed,
    int? Limit, double Threshold, string? PlotsDirectory)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project examples/MultiLabel -- [options]

        Tags Fashion-MNIST images with 8 clothing attributes at once (multi-label): an MLP with the sigmoid head,
        then the same network with a softmax head on the same targets, side by side.

          --data DIR        Fashion-MNIST IDX files (default: the subset shipped in examples/data;
                            the full set: /usr/share/datasets/fashion-mnist)
          --epochs N        passes over the training set, for each head (default 10)
          --hidden N [N …]  hidden layer sizes (default 256)
          --batch N         mini-batch size (default 64)
          --lr X            Adam's learning rate (default 0.001)
          --seed N          seed of the initial weights and the shuffles (default 0)
          --limit N         use only the first N training and the first N test images
          --threshold P     the sigmoid head predicts an attribute when σ(z) > P (default 0.5)
          --plots DIR       write the SVG figures to DIR
          --help            show this text
        """;

    /// <summary>
    /// Reads the options, or returns null when help was asked for. A bad or unknown option is an
    /// <see cref="ArgumentException"/> that names it and ends with the usage.
    /// </summary>
    public static MultiLabelOptions? Parse(string[] args)
    {
        var line = new CommandLine(args, Usage);
        if (line.Help) return null;
        string? data = line.String("data");
        int epochs = line.Int("epochs", 10, min: 1);
        int[] hidden = line.Ints("hidden", [256], min: 1);
        int batch = line.Int("batch", 64, min: 1);
        double lr = line.Double("lr", 1e-3);
        int seed = line.Int("seed", 0, min: 0);
        int limit = line.Int("limit", 0, min: 1);
        double threshold = line.Double("threshold", 0.5);
        string? plots = line.String("plots");
        line.RejectUnknown();

        if (!(lr > 0)) throw Error($"--lr expects a learning rate > 0, got {lr}");
        if (!(threshold > 0 && threshold < 1)) throw Error($"--threshold expects a probability strictly between 0 and 1, got {threshold}");
        if (data is not null && !Directory.Exists(data)) throw Error($"--data: the directory '{data}' does not exist");
        if (plots is not null && File.Exists(plots)) throw Error($"--plots: '{plots}' is a file; give a directory");

        return new MultiLabelOptions(data ?? ExamplePaths.ShippedData(), data is null, epochs, hidden, batch, lr, (ulong)seed,
            limit == 0 ? null : limit, threshold, plots);
    }

    private static ArgumentException Error(string problem) => new($"{problem}.\n\n{Usage}");
}
