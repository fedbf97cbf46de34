namespace MiniNet.Bench.Workloads;

/// <summary>
/// <c>gemm{n}</c>: C = A·B for square n×n float32 matrices of standard normals, into a reused result (a
/// <see cref="StepArena"/> step; the peer passes <c>out=</c>); GFLOP/s = 2n³ / time.
/// </summary>
/// <remarks>
/// A fresh result each call would time the memory behind it rather than the product: a new 64 KiB to 4 MiB array
/// comes from pages the process has not touched yet, and their faults (a VM exit each here) cost as much as a
/// 128³ or 256³ product until the collector has cycled its memory a few times: 55 against 93 GFLOP/s for 128³
/// on one AVX2 core in the first rounds. PyTorch's allocator hands back the block it freed, so the peer never pays that.
/// </remarks>
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
        var arena = new StepArena();
        double seconds = Timing.MedianSeconds(() => Product(arena, a, b), reps);
        return 2.0 * size * size * size / seconds / 1e9;
    }

    private static void Product(StepArena arena, Tensor a, Tensor b)
    {
        using var step = arena.Step();
        a.MatMul(b);
    }
}
