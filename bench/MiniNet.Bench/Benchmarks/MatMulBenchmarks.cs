using BenchmarkDotNet.Attributes;

namespace MiniNet.Bench.Benchmarks;

/// <summary>Square float32 matrix products through <see cref="Tensor.MatMul"/> (the gemm workloads, under BenchmarkDotNet).</summary>
[MemoryDiagnoser]
public class MatMulBenchmarks
{
    private Tensor _a = null!, _b = null!;

    /// <summary>The side of the square matrices.</summary>
    [Params(128, 256, 512, 1024)]
    public int Size { get; set; }

    /// <summary>Standard normal operands, the same on every run.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _a = Tensor.Randn([Size, Size], seed: 1);
        _b = Tensor.Randn([Size, Size], seed: 2);
    }

    /// <summary>C = A·B into a fresh tensor.</summary>
    [Benchmark]
    public Tensor MatMul() => _a.MatMul(_b);
}
