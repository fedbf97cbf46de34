using System.Runtime.InteropServices;
using MiniNet.Kernels;

namespace MiniNet.Tests;

/// <summary>
/// One kernel thread against several, bit for bit, for work that <see cref="RowJob"/> may split: the computation runs
/// once on one thread, then on all until a call from this thread really was split (a helper that starts late keeps a
/// call whole), comparing every result's bytes each time — so the comparison cannot pass by comparing one thread with
/// itself.
/// </summary>
internal static class SplitCheck
{
    public static void SameBitsOnOneAndSeveralThreads(Func<Tensor[]> run)
    {
        int before = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var single = Bytes(run());
            Parallelism.MaxThreads = Math.Max(2, Environment.ProcessorCount);
            bool split = false;
            for (int attempt = 0; attempt < 50 && !split; attempt++)
            {
                long splitsBefore = RowJob.SplitRuns;
                var several = Bytes(run());
                split = RowJob.SplitRuns > splitsBefore;
                Assert.Equal(single.Length, several.Length);
                for (int i = 0; i < single.Length; i++) Assert.Equal(single[i], several[i]);
            }
            Assert.True(split, "the work never ran on several threads: the comparison proved nothing");
        }
        finally
        {
            Parallelism.MaxThreads = before;
        }
    }

    private static byte[][] Bytes(Tensor[] results) => [.. results.Select(t => t.DType == DType.Float32
        ? MemoryMarshal.AsBytes(t.ToArray<float>().AsSpan()).ToArray()
        : MemoryMarshal.AsBytes(t.ToArray<double>().AsSpan()).ToArray())];
}
