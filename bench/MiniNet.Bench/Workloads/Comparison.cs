using System.Diagnostics;
using System.Globalization;

namespace MiniNet.Bench.Workloads;

/// <summary>
/// The <c>compare</c> mode: runs bench/peer/torch_peer.py and MiniNet's workloads back to back, each in a fresh process,
/// alternating for several rounds (the machine is shared and its load drifts), then prints one row per workload
/// with the median and range of each side and of the ratio MiniNet / PyTorch. PyTorch's kernels are capped at the
/// instruction set of MiniNet's path (<see cref="Machine.PeerIsa"/>), so that a narrowed run compares like with like.
/// </summary>
/// <remarks>
/// The ratio is MiniNet's figure over PyTorch's in every row, so its meaning follows the unit: for times
/// (µs, s) below 1 means MiniNet is faster; for GFLOP/s above 1 means MiniNet is faster; for accuracy (%)
/// above 1 means MiniNet's model is more accurate.
/// </remarks>
internal static class Comparison
{
    private const string Usage = "usage: compare [--only SUBSTRING] [--fashion] [--cnn] [--rounds N] [--isa native|avx2|sse] [--peer PATH/torch_peer.py] [--python PATH] (the peer: bench/peer/torch_peer.py of this repository)";

    public static int Run(string[] args)
    {
        var passOn = new List<string>();
        int rounds = 3;
        string? peer = null;
        string python = "/usr/bin/python3";
        string isa = Machine.PeerIsa;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--only" when i + 1 < args.Length: passOn.Add(args[i]); passOn.Add(args[++i]); break;
                case "--fashion" or "--cnn": passOn.Add(args[i]); break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], out rounds) && rounds > 0: i++; break;
                case "--peer" when i + 1 < args.Length: peer = args[++i]; break;
                case "--python" when i + 1 < args.Length: python = args[++i]; break;
                case "--isa" when i + 1 < args.Length: isa = args[++i]; break;
                default:
                    Console.Error.WriteLine($"compare: bad argument '{args[i]}'; {Usage}");
                    return 2;
            }
        }
        peer ??= FindPeer();
        if (peer is null || !File.Exists(peer))
        {
            Console.Error.WriteLine($"compare: torch_peer.py not found{(peer is null ? " in a bench/peer folder above this program" : $" at {peer}")}; pass --peer PATH. {Usage}");
            return 2;
        }

        var (self, selfArgs) = SelfCommand();
        var results = new Dictionary<string, Row>();
        for (int round = 1; round <= rounds; round++)
        {
            Console.Error.WriteLine($"compare: round {round} of {rounds}: PyTorch, then MiniNet");
            Collect(results, "torch", RunProcess(python, [peer, .. passOn, "--isa", isa]), round);
            Collect(results, "mininet", RunProcess(self, [.. selfArgs, "workloads", .. passOn]), round);
        }
        Console.WriteLine(Machine.Description);
        Console.WriteLine($"PyTorch's kernels: --isa {isa} ({(isa == "native" ? "each library's own choice" : "capped to match MiniNet's path")})");
        Print(results.Values, rounds);
        return 0;
    }

    /// <summary>One workload's figures, round by round, from either side.</summary>
    private sealed class Row(string name, string unit)
    {
        public string Name { get; } = name;
        public string Unit { get; } = unit;
        public SortedDictionary<int, double> Torch { get; } = [];
        public SortedDictionary<int, double> MiniNet { get; } = [];
    }

    private static void Collect(Dictionary<string, Row> results, string framework, string output, int round)
    {
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split('\t');
            if (fields.Length != 3 || !fields[0].StartsWith(framework + ".", StringComparison.Ordinal)) continue;
            string name = fields[0][(framework.Length + 1)..];
            double value = double.Parse(fields[1], CultureInfo.InvariantCulture);
            if (!results.TryGetValue(name, out var row)) results[name] = row = new Row(name, fields[2]);
            (framework == "torch" ? row.Torch : row.MiniNet)[round] = value;
        }
    }

    private static void Print(IEnumerable<Row> rows, int rounds)
    {
        string range = rounds > 1 ? $"median [min–max] of {rounds} rounds" : "one round";
        Console.WriteLine($"MiniNet vs PyTorch, {range}; ratio = MiniNet / PyTorch per round (times: < 1 is MiniNet faster; GFLOP/s and %: > 1 is MiniNet better)");
        Console.WriteLine($"{"workload",-56} {"unit",-11} {"torch",-30} {"mininet",-30} ratio");
        foreach (var row in rows)
        {
            var ratios = new List<double>();
            foreach (var (round, mine) in row.MiniNet)
                if (row.Torch.TryGetValue(round, out double theirs) && theirs != 0) ratios.Add(mine / theirs);
            string format = row.Unit == "s/epoch" ? "F3" : "F1"; // an epoch is well under a second: one decimal would hide the difference
            Console.WriteLine($"{row.Name,-56} {row.Unit,-11} {Summary(row.Torch.Values, format),-30} {Summary(row.MiniNet.Values, format),-30} {Summary(ratios, "F2")}");
        }
    }

    /// <summary>"median [min–max]", or the single value, or "—" when there is none.</summary>
    private static string Summary(IEnumerable<double> values, string format)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return "—";
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        return sorted.Length == 1 ? F(sorted[0]) : $"{F(sorted[sorted.Length / 2])} [{F(sorted[0])}–{F(sorted[^1])}]";
    }

    private static string RunProcess(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"compare: could not start {fileName}.");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"compare: {fileName} {string.Join(' ', start.ArgumentList)} exited with code {process.ExitCode}.");
        return output;
    }

    /// <summary>How to start this program again: its apphost, or <c>dotnet</c> and its assembly.</summary>
    private static (string FileName, string[] Arguments) SelfCommand()
    {
        string host = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? (host, [typeof(Comparison).Assembly.Location]) : (host, []);
    }

    /// <summary>bench/peer/torch_peer.py in the nearest folder above this program that has it (the repository's root).</summary>
    private static string? FindPeer()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "bench", "peer", "torch_peer.py");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
