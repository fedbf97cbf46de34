namespace MiniNet.Bench.Workloads;

/// <summary>One row of WORKLOADS.md: its name, its unit, and how to measure it.</summary>
internal abstract class Workload
{
    /// <summary>The name as WORKLOADS.md spells it, e.g. <c>gemm512</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The unit the value is reported in, e.g. <c>GFLOP/s</c>.</summary>
    public abstract string Unit { get; }

    /// <summary>Builds the inputs, times the workload and returns the value to report.</summary>
    public abstract double Measure();
}
