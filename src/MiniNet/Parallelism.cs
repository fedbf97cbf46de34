namespace MiniNet;

/// <summary>
/// How many threads MiniNet's kernels may use, as PyTorch's <c>torch.set_num_threads</c>. Results never depend on
/// it: every kernel gives the same bits on one thread as on many. Large matrix products are split across up to this
/// many threads; everything else runs on the calling thread.
/// </summary>
public static class Parallelism
{
    /// <summary>The environment variable that sets <see cref="MaxThreads"/> when a process starts (as OMP_NUM_THREADS).</summary>
    public const string EnvironmentVariable = "MININET_NUM_THREADS";

    private static int s_maxThreads; // 0 until first read or set: the environment is read then, so a bad value is an error of that call

    /// <summary>
    /// The most threads a kernel may use, 1 or more: by default the number of processors, or
    /// <see cref="EnvironmentVariable"/> when it is set. Set it to 1 to keep MiniNet on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    /// <exception cref="InvalidOperationException">Read while <see cref="EnvironmentVariable"/> holds something other than a whole number ≥ 1.</exception>
    public static int MaxThreads
    {
        get
        {
            int threads = Volatile.Read(ref s_maxThreads);
            if (threads != 0) return threads;
            Interlocked.CompareExchange(ref s_maxThreads, Parse(Environment.GetEnvironmentVariable(EnvironmentVariable)), 0);
            return Volatile.Read(ref s_maxThreads);
        }
        set
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Parallelism.MaxThreads: {value} threads; kernels need at least 1 (1 keeps them on the calling thread).");
            Volatile.Write(ref s_maxThreads, value);
        }
    }

    /// <summary>The thread count <see cref="EnvironmentVariable"/>'s value asks for: the processors when unset.</summary>
    internal static int Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Environment.ProcessorCount;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int threads) || threads < 1)
            throw new InvalidOperationException($"{EnvironmentVariable}='{text}': expected a whole number of threads, 1 or more.");
        return threads;
    }
}
