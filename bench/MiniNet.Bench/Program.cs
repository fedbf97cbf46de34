using BenchmarkDotNet.Running;
using MiniNet.Bench.Workloads;

// Four modes:
//   dotnet run -c Release --project bench/MiniNet.Bench -- --filter '*'      BenchmarkDotNet micro-benchmarks
//   dotnet run -c Release --project bench/MiniNet.Bench -- workloads [--only SUBSTRING] [--fashion] [--cnn]
//       the standard workloads of bench/WORKLOADS.md, timed as bench/peer/torch_peer.py times PyTorch, one
//       `mininet.<name>\t<value>\t<unit>` line each (the Fashion-MNIST MLP only with --fashion, the CNN only with --cnn, as the peer)
//   dotnet run -c Release --project bench/MiniNet.Bench -- compare [--only SUBSTRING] [--fashion] [--cnn] [--rounds N]
//       torch_peer.py and the workloads back to back, alternating for N rounds (3 by default), as one table with
//       the ratio MiniNet / PyTorch per workload
//   dotnet run -c Release --project bench/MiniNet.Bench -- profile [--only SUBSTRING]
//       where a training step of each MLP workload spends its time, bytes, page faults and collections
if (args.Length > 0 && args[0] == "workloads")
    return WorkloadRunner.Run(args[1..]);
if (args.Length > 0 && args[0] == "compare")
    return Comparison.Run(args[1..]);
if (args.Length > 0 && args[0] == "profile")
    return StepProfile.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
