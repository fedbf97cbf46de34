using System.Globalization;
using MiniNet.Data;

namespace MiniNet.Bench.Workloads;

/// <summary>The registry of standard workloads, in WORKLOADS.md's order, and the command line that runs them.</summary>
internal static class WorkloadRunner
{
    /// <summary>Every workload MiniNet measures except the Fashion-MNIST training runs (see <see cref="FashionWorkload"/>); add a new one here.</summary>
    private static readonly Workload[] All =
    [
        new GemmWorkload(128),
        new GemmWorkload(256),
        new GemmWorkload(512),
        new GemmWorkload(1024),
        new MlpStepWorkload([784, 128, 10], 1, "sgd"),
        new MlpStepWorkload([784, 256, 10], 64, "sgd"),
        new MlpStepWorkload([784, 256, 10], 64, "adam"),
        new MlpStepWorkload([784, 512, 512, 10], 256, "adam"),
        new HeadWorkload(softmax: true),
        new HeadWorkload(softmax: false),
        new ConvolutionWorkload(),
    ];

    /// <summary>
    /// Runs the workloads whose name contains <c>--only SUBSTRING</c> (all by default), printing one line each;
    /// the Fashion-MNIST MLP only with <c>--fashion</c> and the CNN only with <c>--cnn</c>, as torch_peer.py.
    /// </summary>
    public static int Run(string[] args)
    {
        string only = "";
        bool fashion = false, cnn = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--only" && i + 1 < args.Length) only = args[++i];
            else if (args[i] == "--fashion") fashion = true;
            else if (args[i] == "--cnn") cnn = true;
            else
            {
                Console.Error.WriteLine($"workloads: unknown argument '{args[i]}'; usage: workloads [--only SUBSTRING] [--fashion] [--cnn]");
                return 2;
            }
        }
        foreach (var workload in All)
        {
            if (!workload.Name.Contains(only, StringComparison.Ordinal)) continue;
            Report(workload.Name, workload.Measure(), workload.Unit);
        }
        // As the peer: the Fashion-MNIST runs ignore --only.
        if (fashion) Report(FashionWorkload.Mlp);
        if (cnn) Report(FashionWorkload.Cnn);
        return 0;
    }

    private static void Report(FashionWorkload workload)
    {
        var (epochSeconds, accuracy) = workload.Measure(FashionMnist.SystemDirectory);
        Report(workload.EpochName, epochSeconds, "s/epoch");
        Report(workload.AccuracyName, accuracy, "%");
    }

    /// <summary>One line, with one decimal as the peer prints — two for seconds per epoch, whose values are near 1.</summary>
    private static void Report(string name, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mininet.{name}\t{value.ToString(unit == "s/epoch" ? "F3" : "F1", CultureInfo.InvariantCulture)}\t{unit}"));
}
