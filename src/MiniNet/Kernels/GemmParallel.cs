using System.Numerics;

namespace MiniNet.Kernels;

/// <summary>
/// One product split across threads: the calling thread and up to Parts−1 thread-pool threads take parts
/// (rectangles of C) from a shared counter until none is left. The job object is reused: it goes back to a
/// one-slot pool once the last thread that could touch it has let go, so a warm product allocates nothing.
/// </summary>
internal sealed class GemmJob<T> : IThreadPoolWorkItem where T : unmanaged, IFloatingPointIeee754<T>
{
    private static GemmJob<T>? s_spare;

    private readonly ManualResetEventSlim _done = new(false);
    private GemmPlan _plan;
    private ReadOnlyMemory<T> _a, _b;
    private Memory<T> _c;
    private bool _transposeA, _transposeB, _accumulate;
    private int _m, _k, _n;
    private int _nextPart, _partsLeft, _holders;

    public static void Run(GemmPlan plan, ReadOnlyMemory<T> a, bool transposeA, ReadOnlyMemory<T> b, bool transposeB, Memory<T> c,
        int m, int k, int n, bool accumulate)
    {
        var job = Interlocked.Exchange(ref s_spare, null) ?? new GemmJob<T>();
        (job._plan, job._a, job._b, job._c) = (plan, a, b, c);
        (job._transposeA, job._transposeB, job._accumulate, job._m, job._k, job._n) = (transposeA, transposeB, accumulate, m, k, n);
        int helpers = plan.Parts - 1;
        job._nextPart = 0;
        job._partsLeft = plan.Parts;
        job._holders = 1 + helpers;
        job._done.Reset();
        for (int i = 0; i < helpers; i++)
            ThreadPool.UnsafeQueueUserWorkItem(job, preferLocal: false);
        job.TakeParts();
        // Only parts another thread has started can be outstanding here; a helper that never started finds none left.
        if (Volatile.Read(ref job._partsLeft) != 0) job._done.Wait();
        job.Release();
    }

    void IThreadPoolWorkItem.Execute()
    {
        TakeParts();
        Release();
    }

    private void TakeParts()
    {
        int part;
        while ((part = Interlocked.Increment(ref _nextPart) - 1) < _plan.Parts)
        {
            int start = part * _plan.Step;
            int rowStart = 0, rowEnd = _m, columnStart = 0, columnEnd = _n;
            if (_plan.SplitRows) (rowStart, rowEnd) = (start, Math.Min(_m, start + _plan.Step));
            else (columnStart, columnEnd) = (start, Math.Min(_n, start + _plan.Step));
            Gemm.Compute(_plan.Path, _a.Span, _transposeA, _b.Span, _transposeB, _c.Span, _m, _k, _n, _accumulate,
                rowStart, rowEnd, columnStart, columnEnd);
            if (Interlocked.Decrement(ref _partsLeft) == 0) _done.Set();
        }
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _holders) != 0) return;
        (_a, _b, _c) = (default, default, default); // hold no tensor's storage while idle
        Volatile.Write(ref s_spare, this);
    }
}
