namespace MiniNet.Bench.Workloads;

/// <summary><c>gemm{n}</c>: C = A·B for square n×n float32 matrices of standard normals, into a fresh result; GFLOP/s = 2n³ / time.</summary>
internal sealed class GemmWorkload(int size) : Workload
{
    public override string Name => $"gemm{size}";

    public override string Unit => "GFLOP/s";

    public override double Measure()
    {
        var a = Tensor.Randn([size, size], seed: 1);
        var b = Tensor.Randn([size, size], seed: 2);
        // The peer's repetition count: max(3, int(2e8 / n³)).
        int reps = Math.Max(3, (int)(2e8 / ((double)size * size * size)));
        double seconds = Timing.MedianSeconds(() => a.MatMul(b), reps);
        return 2.0 * size * size * size / seconds / 1e9;
    }
}
