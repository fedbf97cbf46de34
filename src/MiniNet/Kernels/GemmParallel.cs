using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;

namespace MiniNet.Kernels;

/// <summary>
/// One product (or one chunk of it) split across threads: the calling thread and up to Workers−1 helper
/// threads (<see cref="GemmWorkers"/>) take parts (rectangles of C) from a shared counter until none is left. On the
/// blocked path each thread packs the operand the parts share into a buffer of its own when it takes its first part:
/// a buffer packed by one core and read by the other had to be taken back from the other core's cache, line by
/// line, before it could be packed again — 45 µs instead of 7 µs for a 256×256 B, while the helper could only wait.
/// The job object is reused (<see cref="IdleJobs{TJob}"/>), so a warm product allocates nothing.
/// </summary>
internal sealed class GemmJob<T> : PartsJob where T : unmanaged, IFloatingPointIeee754<T>
{
    private GemmPlan _plan;
    private ReadOnlyMemory<T> _a, _b;
    private Memory<T> _c;
    private bool _transposeA, _transposeB, _accumulate;
    private int _m, _k, _n, _chunkStart, _chunk;

    /// <summary>Computes the chunk [chunkStart, chunkStart + chunk) of C on the blocked path (columns when C is cut into rows, rows otherwise), or all of C on the others.</summary>
    public static void Run(GemmPlan plan, ReadOnlyMemory<T> a, bool transposeA, ReadOnlyMemory<T> b, bool transposeB, Memory<T> c,
        int m, int k, int n, bool accumulate, int chunkStart, int chunk)
    {
        var job = IdleJobs<GemmJob<T>>.Take();
        (job._plan, job._a, job._b, job._c) = (plan, a, b, c);
        (job._transposeA, job._transposeB, job._accumulate, job._m, job._k, job._n) = (transposeA, transposeB, accumulate, m, k, n);
        (job._chunkStart, job._chunk) = (chunkStart, chunk);
        job.RunParts(plan.Parts, plan.Workers - 1);
    }

    private GemmProblem<T> Problem() => new(_a.Span, _transposeA, _b.Span, _transposeB, _c.Span, _m, _k, _n, _accumulate);

    protected override void TakeParts()
    {
        T[]? shared = null; // packed by this thread, for all the parts it takes
        while (TryTakePart(out int part))
        {
            var problem = Problem();
            var (start, end) = _plan.Part(part);
            if (_plan.Path == GemmPath.Blocked)
            {
                if (shared is null)
                {
                    shared = GemmBuffers<T>.ForThisThread().Shared(GemmBlocked.SharedLength(_chunk, _k));
                    GemmBlocked.PackShared(problem, _plan.SplitRows, _chunkStart, _chunk, shared);
                }
                GemmBlocked.Part(problem, _plan.SplitRows, _chunkStart, _chunk, shared, start, end);
            }
            else if (_plan.SplitRows)
                Gemm.ComputeThin(_plan.Path, problem, start, end, 0, _n);
            else
                Gemm.ComputeThin(_plan.Path, problem, 0, _m, start, end);
            PartDone();
        }
    }

    protected override void Idle()
    {
        (_a, _b, _c) = (default, default, default); // hold no tensor's storage while idle
        IdleJobs<GemmJob<T>>.Return(this);
    }
}

/// <summary>
/// The helper threads of <see cref="GemmJob{T}"/>, started as first needed (one per core besides the caller's). A
/// helper that runs out of work keeps polling for ~100 µs before it sleeps, as BLAS libraries' threads do:
/// products come back to back in training, and waking a sleeping thread costs tens to hundreds of microseconds
/// on an idle machine. On a busy one a helper can start, or stall in the middle of a part, milliseconds late while
/// another process has its core; so the helpers also time how late they start, and <see cref="WorthSplitting"/>
/// keeps products that would not outlast such a delay on the calling thread.
/// </summary>
internal static class GemmWorkers
{
    /// <summary>How long an idle helper polls for work before it sleeps, and a caller for the last parts before it blocks.</summary>
    internal const double PollMicroseconds = 100;

    // Work items waiting for a helper: beyond this the helpers are stalled, and more would only grow the queue.
    private const int MaxBacklog = 16;

    private static readonly ConcurrentQueue<(IThreadPoolWorkItem Item, long PostedAt)> s_work = new();
    private static readonly SemaphoreSlim s_wake = new(0);
    private static readonly Lock s_startLock = new();
    private static int s_threads, s_sleeping;
    private static readonly double[] s_recentStartDelays = new double[3]; // seconds, a ring of the last starts
    private static int s_nextStartDelay;
    private static long s_startDelayMeasuredAt;

    /// <summary>
    /// Whether a product of <paramref name="flops"/> is worth splitting now: its time alone on one core (at a
    /// conservative 100 GFLOP/s) must exceed four times the recent start delay of the helpers — the shortest of the
    /// last three, so that a busy core (late every time) counts and a single preemption does not (one late start in
    /// ten kept 256³ products on one thread for hundreds of milliseconds). The delay is forgotten within a second
    /// (halved every 100 ms), so that a machine that has become idle is noticed again. Only the speed depends on
    /// this; the result's bits do not.
    /// </summary>
    public static bool WorthSplitting(long flops)
    {
        double age = Stopwatch.GetElapsedTime(Volatile.Read(ref s_startDelayMeasuredAt)).TotalMilliseconds;
        double recent = double.MaxValue;
        for (int i = 0; i < s_recentStartDelays.Length; i++) recent = Math.Min(recent, Volatile.Read(ref s_recentStartDelays[i]));
        return flops / 100e9 > 4 * recent * Math.Pow(0.5, age / 100);
    }

    /// <summary>
    /// Waits, after taking parts itself, until the parts other threads started are done (<paramref name="partsLeft"/> is
    /// 0; a helper that never started finds none left). They usually end within microseconds: poll for them as the
    /// helpers poll for work, then block on <paramref name="gate"/> — waking a blocked thread costs tens of microseconds
    /// (a fifth of a 160×160×160 product).
    /// </summary>
    public static void WaitForParts(ref int partsLeft, object gate)
    {
        long waitStart = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref partsLeft) != 0 && Stopwatch.GetElapsedTime(waitStart).TotalMicroseconds < PollMicroseconds)
            Thread.SpinWait(20);
        if (Volatile.Read(ref partsLeft) == 0) return;
        // The last part's thread pulses under the gate after its count reached 0, so a wait begun before that is woken
        // and one begun after sees 0 (a monitor, unlike an event object, allocates nothing when it first blocks).
        lock (gate)
            while (Volatile.Read(ref partsLeft) != 0) Monitor.Wait(gate);
    }

    /// <summary>
    /// Hands <paramref name="item"/> to <paramref name="count"/> helpers (each runs it once) — unless the helpers have
    /// fallen far behind (another process has their cores): then the caller computes every part itself, and the queue
    /// never outgrows its first segment, so posting never allocates.
    /// </summary>
    public static void Post(IThreadPoolWorkItem item, int count)
    {
        if (Volatile.Read(ref s_threads) < count) Start(count);
        if (s_work.Count + count > MaxBacklog) return;
        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++) s_work.Enqueue((item, now));
        int sleeping = Volatile.Read(ref s_sleeping);
        if (sleeping > 0) s_wake.Release(Math.Min(sleeping, count));
    }

    private static void Start(int count)
    {
        lock (s_startLock)
        {
            for (; s_threads < count; s_threads++)
                new Thread(Work) { IsBackground = true, Name = $"MiniNet GEMM helper {s_threads + 1}" }.Start();
        }
    }

    private static void Work()
    {
        // The delay counts from when both the work and this helper were free and awake: work that waited while the
        // thread was being created, computed (or compiled) an earlier product, or slept, says nothing of a busy core
        // (waking a sleeping thread takes up to milliseconds on this VM, and a late helper only misses parts the
        // caller then computes itself); counting it would keep the next products on one thread until forgotten.
        long freeSince = Stopwatch.GetTimestamp();
        while (true)
        {
            if (s_work.TryDequeue(out var work))
            {
                RecordStartDelay(Stopwatch.GetElapsedTime(Math.Max(work.PostedAt, freeSince)).TotalSeconds);
                work.Item.Execute();
                freeSince = Stopwatch.GetTimestamp();
                continue;
            }
            long start = Stopwatch.GetTimestamp();
            while (s_work.IsEmpty && Stopwatch.GetElapsedTime(start).TotalMicroseconds < PollMicroseconds)
                Thread.SpinWait(20);
            if (!s_work.IsEmpty) continue;
            // Announce the sleep before the last look at the queue: a Post that misses the announcement is seen here.
            Interlocked.Increment(ref s_sleeping);
            if (s_work.IsEmpty) s_wake.Wait();
            Interlocked.Decrement(ref s_sleeping);
            freeSince = Stopwatch.GetTimestamp();
        }
    }

    // An estimate, not an account: racing helpers may overwrite each other's entry, which loses one sample.
    private static void RecordStartDelay(double seconds)
    {
        int slot = Volatile.Read(ref s_nextStartDelay);
        Volatile.Write(ref s_recentStartDelays[slot], seconds);
        Volatile.Write(ref s_nextStartDelay, (slot + 1) % s_recentStartDelays.Length);
        Volatile.Write(ref s_startDelayMeasuredAt, Stopwatch.GetTimestamp());
    }
}
