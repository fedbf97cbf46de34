namespace MiniNet.Kernels;

/// <summary>
/// Work cut into parts that the calling thread and up to <c>helpers</c> helper threads (<see cref="GemmWorkers"/>) take
/// from a shared counter until none is left: a GEMM's rectangles of C (<see cref="GemmJob{T}"/>) or a kernel's ranges of
/// independent rows (<see cref="RowJob"/>). Each part is computed start to finish by one thread, so the bits of the
/// result never depend on which thread took it. Jobs are reused: <see cref="Idle"/> runs once the last thread that could
/// touch the job has let go.
/// </summary>
internal abstract class PartsJob : IThreadPoolWorkItem
{
    private readonly ManualResetEventSlim _done = new(false);
    private int _parts, _nextPart, _partsLeft, _holders;

    /// <summary>Computes parts [0, <paramref name="parts"/>) on this thread and <paramref name="helpers"/> helpers; returns when every part is done.</summary>
    protected void RunParts(int parts, int helpers)
    {
        (_parts, _nextPart, _partsLeft, _holders) = (parts, 0, parts, 1 + helpers);
        _done.Reset();
        GemmWorkers.Post(this, helpers);
        TakeParts();
        GemmWorkers.WaitForParts(ref _partsLeft, _done);
        Release();
    }

    void IThreadPoolWorkItem.Execute()
    {
        TakeParts();
        Release();
    }

    /// <summary>This thread's share: <c>while (TryTakePart(out int part)) { compute it; PartDone(); }</c>.</summary>
    protected abstract void TakeParts();

    /// <summary>The job is no longer touched by any thread: drop what it refers to and return it to its pool.</summary>
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
        if (Interlocked.Decrement(ref _partsLeft) == 0) _done.Set();
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _holders) == 0) Idle();
    }
}
