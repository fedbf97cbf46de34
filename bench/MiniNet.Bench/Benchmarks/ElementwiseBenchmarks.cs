using BenchmarkDotNet.Attributes;

namespace MiniNet.Bench.Benchmarks;

/// <summary>Elementwise ops on a million float32 values: one transcendental (sigmoid) and one memory-bound add.</summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private const int Length = 1 << 20;
    private Tensor _x = null!, _y = null!;

    /// <summary>Standard normal inputs, the same on every run.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _x = Tensor.Randn([Length], seed: 1);
        _y = Tensor.Randn([Length], seed: 2);
    }

    /// <summary>σ(x) into a fresh tensor.</summary>
    [Benchmark]
    public Tensor Sigmoid() => _x.Sigmoid();

    /// <summary>x + y into a fresh tensor.</summary>
    [Benchmark]
    public Tensor Add() => _x + _y;
}
