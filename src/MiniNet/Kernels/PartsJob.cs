namespace MiniNet.Kernels;

/// <summary>
/// Work cut into parts that the calling thread and up to <c>helpers</c> helper threads (<see cref="GemmWorkers"/>) take
/// from a shared counter until none is left: a GEMM's rectangles of C (<see cref="GemmJob{T}"/>) or a kernel's ranges of
/// independent rows (<see cref="RowJob"/>). Each part is computed start to finish by one thread, so the bits of the
/// result never depend on which thread took it.
/// </summary>
/// <remarks>
/// A helper may reach the job late — after the caller has finished every part, and even after the job has been reused
/// for another run. The job is therefore free again as soon as its run ends and no helper is inside it: a helper that
/// comes later finds it not running (and leaves) or running the next product (and helps with that). So the caller hands
/// the job back itself, right after its run (<see cref="Idle"/>), and a step's products reuse one job even while a
/// helper sleeps.
/// </remarks>
internal abstract class PartsJob : IThreadPoolWorkItem
{
    private readonly object _gate = new(); // a monitor, where a caller that stopped polling waits for the last part
    private int _parts, _nextPart, _partsLeft;
    private int _running, _inside; // 1 while a run is under way; helpers inside TakeParts

    /// <summary>Computes parts [0, <paramref name="parts"/>) on this thread and <paramref name="helpers"/> helpers; returns when every part is done.</summary>
    protected void RunParts(int parts, int helpers)
    {
        (_parts, _nextPart, _partsLeft) = (parts, 0, parts);
        Volatile.Write(ref _running, 1); // after the fields: a helper that sees the run sees them
        GemmWorkers.Post(this, helpers);
        TakeParts();
        GemmWorkers.WaitForParts(ref _partsLeft, _gate);
        // Ended, then no helper inside (each fence orders the write before the read, as a helper's do the other way).
        Interlocked.Exchange(ref _running, 0);
        while (Volatile.Read(ref _inside) != 0) Thread.SpinWait(1); // a helper inside finds no part left: it is leaving
        Idle();
    }

    void IThreadPoolWorkItem.Execute()
    {
        Interlocked.Increment(ref _inside);
        if (Volatile.Read(ref _running) != 0) TakeParts();
        Interlocked.Decrement(ref _inside);
    }

    /// <summary>This thread's share: <c>while (TryTakePart(out int part)) { compute it; PartDone(); }</c>.</summary>
    protected abstract void TakeParts();

    /// <summary>The run has ended and no helper is inside: drop what the job refers to and return it to its pool.</summary>
    protected abstract void Idle();

    /// <summary>The next part nobody has taken, if any is left.</summary>
    protected bool TryTakePart(out int part)
    {
        part = Interlocked.Increment(ref _nextPart) - 1;
        return part < _parts;
    }

    /// <summary>Marks a taken part done (the last one wakes a caller that stopped polling).</summary>
    protected void PartDone()
    {
        if (Interlocked.Decrement(ref _partsLeft) != 0) return;
        lock (_gate) Monitor.PulseAll(_gate);
    }
}

/// <summary>
/// Idle jobs of one kind, kept for reuse so that a warm product allocates nothing. More than one, for products that
/// several threads start at once.
/// </summary>
internal static class IdleJobs<TJob> where TJob : PartsJob, new()
{
    private static readonly TJob?[] s_slots = new TJob?[4];

    /// <summary>An idle job, or a new one when every kept job is busy.</summary>
    public static TJob Take()
    {
        for (int i = 0; i < s_slots.Length; i++)
            if (Interlocked.Exchange(ref s_slots[i], null) is { } job) return job;
        return new TJob();
    }

    /// <summary>Keeps a job no thread touches any more, if a slot is free.</summary>
    public static void Return(TJob job)
    {
        for (int i = 0; i < s_slots.Length; i++)
            if (Interlocked.CompareExchange(ref s_slots[i], job, null) is null) return;
    }
}
