namespace MiniNet.Tests;

/// <summary>The kernels' thread count: a setting that changes speed, never results.</summary>
public class ParallelismTests
{
    [Fact]
    public void The_environment_variable_sets_the_thread_count_or_is_refused_clearly()
    {
        Assert.Equal(Environment.ProcessorCount, Parallelism.Parse(null));
        Assert.Equal(Environment.ProcessorCount, Parallelism.Parse(" "));
        Assert.Equal(1, Parallelism.Parse("1"));
        Assert.Equal(3, Parallelism.Parse("3"));
        foreach (string bad in new[] { "0", "-2", "two", "1.5" })
            Assert.Contains($"MININET_NUM_THREADS='{bad}': expected a whole number of threads, 1 or more", Assert.Throws<InvalidOperationException>(() => Parallelism.Parse(bad)).Message);
    }

    [Fact]
    public void Fewer_than_one_thread_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.MaxThreads = 0);
        Assert.Contains("Parallelism.MaxThreads: 0 threads; kernels need at least 1", error.Message);
        Assert.True(Parallelism.MaxThreads >= 1);
    }

    [Fact]
    public void A_product_large_enough_to_split_gives_the_same_bits_on_one_thread_as_on_all()
    {
        var a = Tensor.Randn([384, 520], seed: 1);
        var b = Tensor.Randn([520, 300], seed: 2);
        int before = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var single = a.MatMul(b).ToArray<float>();
            Parallelism.MaxThreads = Math.Max(2, Environment.ProcessorCount);
            var several = a.MatMul(b).ToArray<float>();
            Assert.Equal(single, several);
        }
        finally
        {
            Parallelism.MaxThreads = before;
        }
    }
}
