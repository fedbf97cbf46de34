namespace MiniNet.Kernels;

/// <summary>A computation over rows that are independent of each other: any range of them may run on any thread.</summary>
internal interface IRowRange
{
    /// <summary>Computes rows [<paramref name="start"/>, <paramref name="end"/>).</summary>
    void Run(int start, int end);
}

/// <summary>
/// Rows split across threads (<see cref="PartsJob"/>: ranges of rows taken by the caller and the GEMM's helpers). Each
/// row is computed the same way on whichever thread takes it, and whatever the rows add up to is added afterwards by
/// the caller, in row order — so the bits never depend on the thread count. The job object is reused (<see cref="IdleJobs{TJob}"/>).
/// </summary>
internal sealed class RowJob : PartsJob
{
    // Below this many elements (a 4096 × 1000 head has 4M) the rows run on the calling thread: a helper's start costs
    // about a microsecond of the caller's time and its cache misses more, for work of ~50 µs.
    private const long ParallelMinElements = 1 << 17;
    private const int PartsPerWorker = 4;

    [ThreadStatic] private static long t_splitRuns;

    /// <summary>How many calls from this thread have been split across threads so far (tests check that the split path ran).</summary>
    internal static long SplitRuns => t_splitRuns;

    private IRowRange? _body;
    private int _rows, _step;

    /// <summary>
    /// Runs <paramref name="body"/> over rows [0, <paramref name="rows"/>), on several threads when the
    /// <paramref name="elements"/> they hold make it worth it (and <see cref="Parallelism.MaxThreads"/> allows).
    /// </summary>
    public static void Run(IRowRange body, int rows, long elements)
    {
        int workers = Math.Min(Parallelism.MaxThreads, rows);
        // A row costs ~10 flops an element (an exp and a few operations): the same test of helpers' lateness as a GEMM's.
        if (workers <= 1 || elements < ParallelMinElements || !GemmWorkers.WorthSplitting(10 * elements))
        {
            body.Run(0, rows);
            return;
        }
        t_splitRuns++;
        int parts = Math.Min(rows, workers * PartsPerWorker), step = (rows + parts - 1) / parts;
        parts = (rows + step - 1) / step;
        var job = IdleJobs<RowJob>.Take();
        (job._body, job._rows, job._step) = (body, rows, step);
        job.RunParts(parts, Math.Min(workers, parts) - 1);
    }

    protected override void TakeParts()
    {
        while (TryTakePart(out int part))
        {
            int start = part * _step;
            _body!.Run(start, Math.Min(_rows, start + _step));
            PartDone();
        }
    }

    protected override void Idle()
    {
        _body = null; // hold nothing while idle
        IdleJobs<RowJob>.Return(this);
    }
}
