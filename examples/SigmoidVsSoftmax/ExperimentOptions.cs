namespace MiniNet.Examples.SigmoidVsSoftmax;

/// <summary>The command-line options of the experiment, read and checked.</summary>
internal sealed record ExperimentOptions(
    string? DataDirectory, int Epochs, int[] Hidden, int BatchSize, double Lr, string Optimizer, ulong Seed, int? Limit, string? PlotsDirectory,
    double SaturatedScale)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project examples/SigmoidVsSoftmax -- [options]

        Trains the same network three times on Fashion-MNIST, ending in (a) softmax + cross-entropy,
        (b) ten sigmoids + binary cross-entropy, (c) ten sigmoids + squared error, and compares them.

          --data DIR              IDX files to use (default: the subset shipped in examples/data)
          --epochs N              epochs per head (default 10)
          --hidden N [N ...]      hidden layer sizes (default 128)
          --batch N               batch size (default 64)
          --lr X                  learning rate (default 0.1 for sgd, 0.001 for adam)
          --optimizer sgd|adam    plain SGD (no momentum) or Adam (default sgd)
          --seed N                seed of the weights and the batch order (default 1)
          --saturated-scale K     the second run's output layer is drawn from U(±K/√in), K times
                                  PyTorch's bound, so it starts saturated (default 20)
          --limit N               use only the first N training and N test images
          --plots DIR             where to write the SVG plots (default: examples/SigmoidVsSoftmax/plots)
          --help                  this text
        """;

    /// <summary>Reads the options; a missing option takes its default, a bad one throws <see cref="ArgumentException"/> with the usage.</summary>
    public static ExperimentOptions Parse(CommandLine line)
    {
        string? data = line.String("data");
        int epochs = line.Int("epochs", 10, min: 1);
        int[] hidden = line.Ints("hidden", [128], min: 1);
        int batch = line.Int("batch", 64, min: 1);
        string optimizer = line.Choice("optimizer", "sgd", "sgd", "adam");
        double lr = line.Double("lr", optimizer == "adam" ? 1e-3 : 0.1, min: 0);
        if (lr == 0) throw new ArgumentException($"--lr expects a positive number, got 0.\n\n{Usage}");
        int seed = line.Int("seed", 1, min: 0);
        int limit = line.Int("limit", 0, min: 1);
        string? plots = line.String("plots");
        double saturatedScale = line.Double("saturated-scale", 20, min: 1);
        line.RejectUnknown();
        if (data is not null && !Directory.Exists(data))
            throw new ArgumentException($"--data: the folder '{data}' does not exist.\n\n{Usage}");
        return new ExperimentOptions(data, epochs, hidden, batch, lr, optimizer, (ulong)seed, limit == 0 ? null : limit, plots, saturatedScale);
    }
}
