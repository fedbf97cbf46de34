using System.Diagnostics;

namespace MiniNet.Bench.Workloads;

/// <summary>The peer's timing rule (torch_peer.py's <c>median_seconds</c>), so that the two figures compare.</summary>
internal static class Timing
{
    /// <summary>One warm-up call, then <paramref name="rounds"/> rounds of <paramref name="reps"/> calls; the median seconds per call.</summary>
    public static double MedianSeconds(Action action, int reps, int rounds = 5)
    {
        action();
        var perCall = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int rep = 0; rep < reps; rep++) action();
            perCall[round] = Stopwatch.GetElapsedTime(start).TotalSeconds / reps;
        }
        Array.Sort(perCall);
        return perCall[rounds / 2];
    }
}
