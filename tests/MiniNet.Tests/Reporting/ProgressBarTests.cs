using System.Runtime.CompilerServices;
using MiniNet.Reporting;

namespace MiniNet.Tests.Reporting;

public class ProgressBarTests
{
    /// <summary>A clock that moves only when told to.</summary>
    private sealed class FakeClock : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public void Plain_mode_prints_a_line_at_each_quarter_then_a_summary()
    {
        var output = new StringWriter();
        var clock = new FakeClock();
        var progress = new ProgressBar(output, isTerminal: false, clock);
        double[] losses = [2.0, 1.0, 1.0, 0.0, 0.5, 0.5, 0.5, 0.5];
        int[] correct = [50, 75, 100, 25, 100, 100, 100, 100];

        progress.Start("epoch 1/2", batchCount: 8);
        for (int b = 0; b < 8; b++)
        {
            clock.Advance(TimeSpan.FromSeconds(0.5));
            progress.Step(100, losses[b], correct[b]);
        }
        progress.Finish("test acc 0.9000");

        // After 2 batches: loss (2 + 1) / 2, accuracy 125 / 200, 200 samples in 1 s, 6 batches left at 0.5 s each.
        Assert.Equal(
            "epoch 1/2 [#####...............] 2/8 loss 1.5000 acc 0.6250 200 samples/s ETA 0:03\n" +
            "epoch 1/2 [##########..........] 4/8 loss 1.0000 acc 0.6250 200 samples/s ETA 0:02\n" +
            "epoch 1/2 [###############.....] 6/8 loss 0.8333 acc 0.7500 200 samples/s ETA 0:01\n" +
            "epoch 1/2 8/8 loss 0.7500 acc 0.8125 200 samples/s 4.0s  test acc 0.9000\n",
            output.ToString());
        Assert.Equal(0.75, progress.Loss);
        Assert.Equal(0.8125, progress.Accuracy);
        Assert.Equal(200, progress.SamplesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(4), progress.Elapsed);
    }

    [Fact]
    public void Plain_mode_stays_at_four_lines_however_many_batches()
    {
        var output = new StringWriter();
        var clock = new FakeClock();
        var progress = new ProgressBar(output, isTerminal: false, clock);
        progress.Start("epoch 1/1", batchCount: 10_000);
        for (int b = 0; b < 10_000; b++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            progress.Step(32, 0.5, 16);
        }
        progress.Finish();
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Contains(" 2500/10000 ", lines[0]);
        Assert.Contains(" 7500/10000 ", lines[2]);
        Assert.StartsWith("epoch 1/1 10000/10000 loss 0.5000 acc 0.5000 32000 samples/s 10.0s", lines[3]);
        Assert.DoesNotContain('\r', output.ToString());
        Assert.All(output.ToString(), c => Assert.True(c < 128, $"non-ASCII {c} in plain mode"));
    }

    [Fact]
    public void Terminal_mode_redraws_one_line_in_place_and_ends_with_the_summary()
    {
        var output = new StringWriter();
        var clock = new FakeClock();
        var progress = new ProgressBar(output, isTerminal: true, clock, lineWidth: 80);

        progress.Start("train", batchCount: 4);
        double[] losses = [1.0, 1.0, 0.0, 0.0];
        int[] correct = [50, 60, 70, 80];
        for (int b = 0; b < 4; b++)
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            progress.Step(100, losses[b], correct[b]);
        }
        progress.Finish();

        // The bar takes what the 80 columns leave (30 at most): 30 cells before any batch, then 21.
        // Its fill is in eighths of a cell: 1/4 of 21 cells = 5 cells and 2 eighths.
        string expected =
            "\rtrain ▕" + new string(' ', 30) + "▏ 0/4" +
            "\rtrain ▕█████▎" + new string(' ', 15) + "▏ 1/4 loss 1.0000 acc 0.5000 50.0 samples/s ETA 0:06" +
            "\rtrain ▕██████████▌" + new string(' ', 10) + "▏ 2/4 loss 1.0000 acc 0.5500 50.0 samples/s ETA 0:04" +
            "\rtrain ▕███████████████▊" + new string(' ', 5) + "▏ 3/4 loss 0.6667 acc 0.6000 50.0 samples/s ETA 0:02" +
            "\rtrain ▕█████████████████████▏ 4/4 loss 0.5000 acc 0.6500 50.0 samples/s ETA 0:00" +
            "\rtrain 4/4 loss 0.5000 acc 0.6500 50.0 samples/s 8.0s" + new string(' ', 28) + "\n"; // spaces cover the longer bar line
        Assert.Equal(expected, output.ToString());
    }

    [Fact]
    public void Terminal_mode_redraws_at_most_ten_times_a_second()
    {
        var output = new StringWriter();
        var clock = new FakeClock();
        var progress = new ProgressBar(output, isTerminal: true, clock);
        progress.Start("epoch", batchCount: 1000);
        for (int b = 0; b < 1000; b++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10)); // 100 batches a second for 10 seconds
            progress.Step(10, 1.0);
        }
        // One line at the start, then one every 100 ms: at batches 10, 20, …, 1000.
        Assert.Equal(1 + 100, output.ToString().Count(c => c == '\r'));
    }

    [Fact]
    public void Eta_is_the_mean_batch_time_times_the_batches_left()
    {
        var output = new StringWriter();
        var clock = new FakeClock();
        var progress = new ProgressBar(output, isTerminal: false, clock);
        progress.Start("epoch", batchCount: 400);
        for (int b = 0; b < 100; b++)
        {
            clock.Advance(TimeSpan.FromSeconds(1.5));
            progress.Step(64, 0.3);
        }
        // 150 s for 100 batches, 300 left: 450 s = 7:30. 6400 samples in 150 s.
        Assert.Equal("epoch [#####...............] 100/400 loss 0.3000 42.7 samples/s ETA 7:30\n", output.ToString());
        Assert.Equal(6400 / 150.0, progress.SamplesPerSecond, 12);
        Assert.True(double.IsNaN(progress.Accuracy));
    }

    [Fact]
    public void Extreme_losses_stay_readable()
    {
        var output = new StringWriter();
        var clock = new FakeClock();
        var progress = new ProgressBar(output, isTerminal: false, clock);
        foreach (double loss in new[] { 2.5e-5, 123456.0, double.NaN, double.PositiveInfinity })
        {
            progress.Start("e", batchCount: 1);
            clock.Advance(TimeSpan.FromSeconds(1));
            progress.Step(10, loss);
            progress.Finish();
        }
        Assert.Equal(
            "e 1/1 loss 2.500e-5 10.0 samples/s 1.0s\n" +
            "e 1/1 loss 1.235e+5 10.0 samples/s 1.0s\n" +
            "e 1/1 loss nan 10.0 samples/s 1.0s\n" +
            "e 1/1 loss inf 10.0 samples/s 1.0s\n",
            output.ToString());
    }

    [Fact]
    public void Step_allocates_nothing_between_redraws()
    {
        var clock = new FakeClock();
        var progress = new ProgressBar(new StringWriter(), isTerminal: true, clock);
        progress.Start("epoch", batchCount: 100_000);
        for (int b = 0; b < 100; b++) progress.Step(32, 0.5, 10); // warm up

        // The fewest bytes over several rounds: the runtime may allocate once on this thread while it recompiles
        // the loop (on-stack replacement) or Step (tiering); a Step that allocated would show in every round.
        long fewestBytes = long.MaxValue;
        for (int round = 0; round < 5; round++)
            fewestBytes = Math.Min(fewestBytes, BytesAllocatedBy2000Steps(progress));
        Assert.Equal(0, fewestBytes);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long BytesAllocatedBy2000Steps(ProgressBar progress)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int b = 0; b < 2000; b++) progress.Step(32, 0.5, 10); // the clock stands still: no redraw
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Misuse_is_reported_clearly()
    {
        var progress = new ProgressBar(new StringWriter(), isTerminal: false, new FakeClock());
        Assert.Contains("call Start", Assert.Throws<InvalidOperationException>(() => progress.Step(1, 0.1)).Message);

        progress.Start("epoch 1/1", batchCount: 2);
        progress.Step(8, 0.1, 4);
        Assert.Contains("gave correct counts", Assert.Throws<InvalidOperationException>(() => progress.Step(8, 0.1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => progress.Step(8, 0.1, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => progress.Step(0, 0.1, 0));
        progress.Step(8, 0.1, 4);
        Assert.Contains("2 batches", Assert.Throws<InvalidOperationException>(() => progress.Step(8, 0.1, 4)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => progress.Start("epoch", batchCount: 0));
    }
}
