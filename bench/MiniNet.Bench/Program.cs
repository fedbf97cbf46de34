using BenchmarkDotNet.Running;
using MiniNet.Bench.Workloads;

// Two modes:
//   dotnet run -c Release --project bench/MiniNet.Bench -- --filter '*'                 BenchmarkDotNet micro-benchmarks
//   dotnet run -c Release --project bench/MiniNet.Bench -- workloads [--only SUBSTRING]  the standard workloads of
//       shared/bench/WORKLOADS.md, timed as torch_peer.py times PyTorch, one `mininet.<name>\t<value>\t<unit>` line each
if (args.Length > 0 && args[0] == "workloads")
    return WorkloadRunner.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
