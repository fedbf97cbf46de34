using System.Globalization;

namespace MiniNet.Bench.Workloads;

/// <summary>The registry of standard workloads, in WORKLOADS.md's order, and the command line that runs them.</summary>
internal static class WorkloadRunner
{
    /// <summary>Every workload MiniNet measures; add a new one here.</summary>
    private static readonly Workload[] All =
    [
        new GemmWorkload(128),
        new GemmWorkload(256),
        new GemmWorkload(512),
        new GemmWorkload(1024),
    ];

    /// <summary>Runs the workloads whose name contains <c>--only SUBSTRING</c> (all by default), printing one line each.</summary>
    public static int Run(string[] args)
    {
        string only = "";
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--only" && i + 1 < args.Length) only = args[++i];
            else
            {
                Console.Error.WriteLine($"workloads: unknown argument '{args[i]}'; usage: workloads [--only SUBSTRING]");
                return 2;
            }
        }
        foreach (var workload in All)
        {
            if (!workload.Name.Contains(only, StringComparison.Ordinal)) continue;
            double value = workload.Measure();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mininet.{workload.Name}\t{value:F1}\t{workload.Unit}"));
        }
        return 0;
    }
}
