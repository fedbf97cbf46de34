using System.Diagnostics;
using System.Globalization;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Reporting;

namespace MiniNet.Bench.Workloads;

/// <summary>
/// The <c>profile</c> mode: where a training step of each MLP workload, and of the CNN, spends its time and memory,
/// and what a <see cref="TrainingMonitor"/> attached at its default adds to two of them. Per phase
/// (zero grads, forward, loss, backward, optimiser step): the mean wall time and the bytes allocated; per step:
/// the minor page faults of the process, the garbage collections of each generation and the time they paused the program. Page faults and bytes do
/// not depend on the machine's load, unlike the times; the CPU time of all the process's threads depends on it less.
/// </summary>
internal static class StepProfile
{
    private static readonly string[] Phases = ["zero", "forward", "loss", "backward", "step"];

    public static int Run(string[] args)
    {
        string only = args.Length == 2 && args[0] == "--only" ? args[1] : "";
        if (args.Length != 0 && only.Length == 0)
        {
            Console.Error.WriteLine("profile: usage: profile [--only SUBSTRING]");
            return 2;
        }
        Profile([784, 128, 10], 1, "sgd", only, 2000);
        Profile([784, 256, 10], 64, "sgd", only, 1000);
        Profile([784, 256, 10], 64, "adam", only, 1000);
        Profile([784, 512, 512, 10], 256, "adam", only, 200);
        Profile("cnn.b128.adam", Cnn.Build, [128, 1, 28, 28], "adam", only, 20);
        // The TrainingMonitor's cost at its default (one step in 100 measured): the same steps with it attached.
        MonitorOverhead([784, 256, 10], 64, only, 1000);
        MonitorOverhead([784, 512, 512, 10], 256, only, 200);
        return 0;
    }

    /// <summary>
    /// Times the same training steps without and with a <see cref="TrainingMonitor"/> attached at its defaults, in
    /// alternating runs, step by step: a shared machine stalls single steps for milliseconds, so medians are compared.
    /// The monitor's cost is the median step it does not measure (its hooks) less the plain median, plus the extra
    /// of the median step it measures spread over the steps between measurements.
    /// </summary>
    private static void MonitorOverhead(int[] sizes, int batchSize, string only, int steps)
    {
        string name = $"mlp{string.Join('-', sizes)}.b{batchSize}.adam+monitor";
        if (!name.Contains(only, StringComparison.Ordinal)) return;
        var plain = new List<double>();
        var hooked = new List<double>();
        var measured = new List<double>();
        int every = new TrainingMonitorOptions().Every;
        for (int run = 0; run < 5; run++)
        {
            StepTimes(sizes, batchSize, steps, null, plain, plain);
            StepTimes(sizes, batchSize, steps, new TrainingMonitorOptions { Output = TextWriter.Null }, hooked, measured);
        }
        double without = Median(plain), between = Median(hooked), measuring = Median(measured);
        double cost = between - without + (measuring - without) / every;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: median step {without:F1} us without the monitor; with it {between:F1} us between measurements and {measuring:F1} us when measuring (one step in {every}): {100 * cost / without:+0.0;-0.0} % of a step"));
    }

    /// <summary>Each step's wall time after 100 warm-up steps, into <paramref name="between"/> or, for the steps a monitor measures, <paramref name="measuring"/>.</summary>
    private static void StepTimes(int[] sizes, int batchSize, int steps, TrainingMonitorOptions? monitor, List<double> between, List<double> measuring)
    {
        var generator = new Generator(0);
        var model = Mlp.Build(sizes, generator);
        using var attached = monitor is null ? null : TrainingMonitor.Attach(model, monitor);
        Optimizer optim = new Adam(model.Parameters(), lr: 1e-3);
        var input = Tensor.Randn([batchSize, sizes[0]], seed: 1);
        var labels = new int[batchSize];
        for (int i = 0; i < labels.Length; i++) labels[i] = generator.NextInt(sizes[^1]);
        var head = new SoftmaxHead();
        var arena = new StepArena();
        for (int i = 0; i < 100; i++) MlpStepWorkload.Step(arena, model, optim, head, input, labels);
        for (int i = 0; i < steps; i++)
        {
            bool measured = attached is not null && attached.Steps % monitor!.Every == 0; // the next step is the monitor's step Steps + 1
            long start = Stopwatch.GetTimestamp();
            MlpStepWorkload.Step(arena, model, optim, head, input, labels);
            (measured ? measuring : between).Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static void Profile(int[] sizes, int batchSize, string optimizer, string only, int steps) =>
        Profile($"mlp{string.Join('-', sizes)}.b{batchSize}.{optimizer}", g => Mlp.Build(sizes, g), [batchSize, sizes[0]], optimizer, only, steps);

    private static void Profile(string name, Func<Generator, Module> build, int[] inputShape, string optimizer, string only, int steps)
    {
        if (!name.Contains(only, StringComparison.Ordinal)) return;
        var generator = new Generator(0);
        var model = build(generator);
        Optimizer optim = optimizer == "sgd" ? new Sgd(model.Parameters(), lr: 0.01) : new Adam(model.Parameters(), lr: 1e-3);
        var input = Tensor.Randn(inputShape, seed: 1);
        var labels = new int[inputShape[0]];
        for (int i = 0; i < labels.Length; i++) labels[i] = generator.NextInt(10);
        var head = new SoftmaxHead();

        var arena = new StepArena(); // the steps reuse their tensors: a steady step allocates nothing
        var ticks = new long[Phases.Length];
        var bytes = new long[Phases.Length];
        for (int i = 0; i < 20; i++) Step(arena, model, optim, head, input, labels, ticks, bytes); // warm up the JIT's tiers
        Array.Clear(ticks);
        Array.Clear(bytes);
        int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        long faults = MinorFaults();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var paused = GC.GetTotalPauseDuration();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < steps; i++) Step(arena, model, optim, head, input, labels, ticks, bytes);
        double totalUs = Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
        double cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / steps;
        double faultsPerStep = (MinorFaults() - faults) / (double)steps;
        double pausedUs = (GC.GetTotalPauseDuration() - paused).TotalMicroseconds / steps;

        var line = new System.Text.StringBuilder(name).Append(CultureInfo.InvariantCulture, $": {totalUs:F1} us/step ({cpuUs:F1} us CPU, all threads)");
        for (int p = 0; p < Phases.Length; p++)
            line.Append(CultureInfo.InvariantCulture, $" | {Phases[p]} {ticks[p] * 1e6 / Stopwatch.Frequency / steps:F1} us {bytes[p] / steps / 1024.0:F1} KB");
        line.Append(CultureInfo.InvariantCulture, $" | {faultsPerStep:F1} page faults/step");
        line.Append(CultureInfo.InvariantCulture,
            $" | GCs/1000 steps gen0 {1000.0 * (GC.CollectionCount(0) - collections[0]) / steps:F1} gen1 {1000.0 * (GC.CollectionCount(1) - collections[1]) / steps:F1} gen2 {1000.0 * (GC.CollectionCount(2) - collections[2]) / steps:F1}");
        line.Append(CultureInfo.InvariantCulture, $", paused {pausedUs:F1} us/step");
        Console.WriteLine(line);
    }

    private static void Step(StepArena arena, Module model, Optimizer optim, SoftmaxHead head, Tensor input, int[] labels, long[] ticks, long[] bytes)
    {
        using var step = arena.Step();
        int phase = 0;
        long time = Stopwatch.GetTimestamp(), allocated = GC.GetAllocatedBytesForCurrentThread();
        void Mark()
        {
            long nowTime = Stopwatch.GetTimestamp(), nowAllocated = GC.GetAllocatedBytesForCurrentThread();
            ticks[phase] += nowTime - time;
            bytes[phase] += nowAllocated - allocated;
            phase++;
            time = nowTime;
            allocated = nowAllocated;
        }
        optim.ZeroGrad();
        Mark();
        var logits = model.Forward(input);
        Mark();
        var loss = head.Loss(logits, labels);
        Mark();
        loss.Backward();
        Mark();
        optim.Step();
        Mark();
    }

    /// <summary>The process's minor page faults so far (field 10 of /proc/self/stat), or 0 where there is no /proc.</summary>
    private static long MinorFaults()
    {
        if (!File.Exists("/proc/self/stat")) return 0;
        string stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": field 3 onwards
        return long.Parse(fields[7], CultureInfo.InvariantCulture);
    }
}
