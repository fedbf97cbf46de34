using System.Globalization;
using System.Text;

namespace MiniNet.Reporting;

/// <summary>
/// Training progress for one pass over the batches (an epoch): batch i/n, a bar, the running mean loss and
/// accuracy, samples per second and the time left, then a summary line.
/// </summary>
/// <remarks>
/// <para>On a terminal the bar is one line redrawn in place ("\r"), at most <see cref="RedrawsPerSecond"/> times a
/// second, in Unicode block characters. Anywhere else (output redirected to a file or a CI log) it prints plain ASCII
/// lines instead, only when a quarter of the batches is done (25 %, 50 %, 75 %), then the summary.</para>
/// <para><see cref="Step(int, double, int)"/> is cheap enough to call every batch: it only adds to counters and reads
/// the clock, and allocates nothing until it redraws.</para>
/// <code>
/// var progress = new ProgressBar();
/// for (int epoch = 1; epoch &lt;= epochs; epoch++)
/// {
///     progress.Start($"epoch {epoch}/{epochs}", batchCount);
///     foreach (var batch in batches)
///     {
///         var logits = model.Forward(batch.Features);
///         var loss = head.Loss(logits, batch.Labels);
///         … // backward, step
///         progress.Step(batch.Size, loss.Item(), head.CountCorrect(logits, batch.Labels)); // no second Predict
///     }
///     progress.Finish($"test acc {testAccuracy:0.0000}");
/// }
/// </code>
/// </remarks>
public sealed class ProgressBar
{
    /// <summary>The most times per second the terminal line is redrawn.</summary>
    public const int RedrawsPerSecond = 10;

    private const int PlainBarWidth = 20, MinTerminalBarWidth = 8, MaxTerminalBarWidth = 30;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly char[] Eighths = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly Func<int>? _consoleWidth;
    private readonly int _lineWidth;
    private readonly StringBuilder _line = new(160);

    private string _label = "";
    private int _batchCount, _batches, _lastLineLength;
    private long _samples, _correct, _startTimestamp, _lastDrawTimestamp;
    private double _weightedLoss;
    private bool? _tracksAccuracy;
    private bool _running;

    /// <summary>Writes to the console: a live bar on a terminal, plain lines when the output is redirected.</summary>
    public ProgressBar()
        : this(Console.Out, isTerminal: !Console.IsOutputRedirected)
    {
        _consoleWidth = ConsoleWidth;
    }

    /// <summary>Writes to <paramref name="output"/>, as a live terminal bar or as plain lines.</summary>
    /// <param name="output">Where the progress goes.</param>
    /// <param name="isTerminal">True for a live line redrawn with "\r" (a terminal), false for plain lines (a log file).</param>
    /// <param name="timeProvider">The clock (a fake one in tests); <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="lineWidth">The widest a terminal line may be, in characters; the bar shrinks to fit (and the line is cut if it still does not).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lineWidth"/> is below 40.</exception>
    public ProgressBar(TextWriter output, bool isTerminal, TimeProvider? timeProvider = null, int lineWidth = 100)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (lineWidth < 40) throw new ArgumentOutOfRangeException(nameof(lineWidth), lineWidth, "ProgressBar: a line needs at least 40 characters.");
        _output = output;
        IsTerminal = isTerminal;
        _time = timeProvider ?? TimeProvider.System;
        _lineWidth = lineWidth;
    }

    /// <summary>A training monitor whose <see cref="TrainingMonitor.Status"/> the bar shows after its figures (null for none).</summary>
    public TrainingMonitor? Monitor { get; set; }

    /// <summary>True when the bar is redrawn in place; false when it prints plain lines.</summary>
    public bool IsTerminal { get; }

    /// <summary>The mean loss per sample over the batches so far this epoch (NaN before the first).</summary>
    public double Loss => _samples == 0 ? double.NaN : _weightedLoss / _samples;

    /// <summary>The share of samples classified correctly so far this epoch (NaN before the first, or when no accuracy is given).</summary>
    public double Accuracy => _samples == 0 || _tracksAccuracy != true ? double.NaN : (double)_correct / _samples;

    /// <summary>The samples counted so far this epoch.</summary>
    public long Samples => _samples;

    /// <summary>The time since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_startTimestamp);

    /// <summary>Samples per second since <see cref="Start"/> (NaN before the first batch, or before any time has passed).</summary>
    public double SamplesPerSecond
    {
        get
        {
            double seconds = Elapsed.TotalSeconds;
            return _samples > 0 && seconds > 0 ? _samples / seconds : double.NaN;
        }
    }

    /// <summary>Starts a pass of <paramref name="batchCount"/> batches named <paramref name="label"/> (such as "epoch 3/10"), resetting every counter.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchCount"/> is not positive.</exception>
    public void Start(string label, int batchCount)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (batchCount <= 0) throw new ArgumentOutOfRangeException(nameof(batchCount), batchCount, "ProgressBar.Start: the pass needs at least one batch.");
        _label = label;
        _batchCount = batchCount;
        (_batches, _samples, _correct, _weightedLoss, _tracksAccuracy, _lastLineLength) = (0, 0, 0, 0, null, 0);
        _startTimestamp = _lastDrawTimestamp = _time.GetTimestamp();
        _running = true;
        if (IsTerminal) DrawTerminalLine();
    }

    /// <summary>Counts one batch of <paramref name="samples"/> samples whose mean loss was <paramref name="loss"/>, without an accuracy.</summary>
    /// <exception cref="InvalidOperationException">No pass was started, every batch was already counted, or earlier batches gave an accuracy.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> is not positive.</exception>
    public void Step(int samples, double loss) => Count(samples, loss, correct: -1);

    /// <summary>
    /// Counts one batch of <paramref name="samples"/> samples whose mean loss was <paramref name="loss"/> and of which
    /// <paramref name="correct"/> were classified correctly; redraws if it is time to. The heads count
    /// <paramref name="correct"/> from the logits the step already has: <see cref="SoftmaxHead.CountCorrect"/>,
    /// <see cref="SigmoidHead.CountCorrect"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No pass was started, every batch was already counted, or earlier batches gave no accuracy.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> is not positive, or <paramref name="correct"/> is outside [0, samples].</exception>
    public void Step(int samples, double loss, int correct)
    {
        if (correct < 0 || correct > samples)
            throw new ArgumentOutOfRangeException(nameof(correct), correct, $"ProgressBar.Step: {correct} correct out of a batch of {samples} samples.");
        Count(samples, loss, correct);
    }

    private void Count(int samples, double loss, int correct)
    {
        if (!_running) throw new InvalidOperationException("ProgressBar.Step: call Start(label, batchCount) before the first batch of a pass.");
        if (_batches == _batchCount)
            throw new InvalidOperationException($"ProgressBar.Step: \"{_label}\" was started with {_batchCount} batches and all of them were counted; Start the next pass.");
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "ProgressBar.Step: a batch has at least one sample.");
        bool withAccuracy = correct >= 0;
        if (_tracksAccuracy is bool tracks && tracks != withAccuracy)
            throw new InvalidOperationException(
                $"ProgressBar.Step: earlier batches of \"{_label}\" {(tracks ? "gave" : "gave no")} correct counts; give them for every batch or for none.");
        _tracksAccuracy = withAccuracy;

        _batches++;
        _samples += samples;
        _weightedLoss += loss * samples;
        if (withAccuracy) _correct += correct;

        if (IsTerminal)
        {
            long now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_lastDrawTimestamp, now).Ticks * RedrawsPerSecond < TimeSpan.TicksPerSecond) return;
            _lastDrawTimestamp = now;
            DrawTerminalLine();
        }
        else if (_batches < _batchCount && 4L * _batches / _batchCount > 4L * (_batches - 1) / _batchCount)
        {
            WritePlainLine();
        }
    }

    /// <summary>
    /// Ends the pass with a summary line (batches, loss, accuracy, samples/s, time taken), followed by
    /// <paramref name="note"/> when given (for example the validation accuracy).
    /// </summary>
    /// <exception cref="InvalidOperationException">No pass was started.</exception>
    public void Finish(string? note = null)
    {
        if (!_running) throw new InvalidOperationException("ProgressBar.Finish: no pass was started.");
        _running = false;
        _line.Clear().Append(_label).Append(' ').Append(_batches).Append('/').Append(_batchCount);
        AppendMetrics();
        _line.Append(' ');
        AppendDuration(Elapsed, withTenths: true);
        if (!string.IsNullOrEmpty(note)) _line.Append("  ").Append(note);
        if (IsTerminal) WriteOver();
        else _output.Write(_line);
        _output.Write('\n');
        _output.Flush();
    }

    private void DrawTerminalLine()
    {
        int width = _consoleWidth?.Invoke() is int console and > 0 ? Math.Min(console - 1, _lineWidth) : _lineWidth;
        // Everything but the bar first, to see how wide the bar can be.
        _line.Clear().Append(' ').Append(_batches).Append('/').Append(_batchCount);
        if (_batches > 0)
        {
            AppendMetrics();
            _line.Append(" ETA ");
            AppendEta();
        }
        int barWidth = Math.Clamp(width - _label.Length - 3 - _line.Length, MinTerminalBarWidth, MaxTerminalBarWidth);

        string tail = _line.ToString();
        _line.Clear().Append(_label).Append(" ▕");
        AppendBar(barWidth, terminal: true);
        _line.Append('▏').Append(tail);
        if (_line.Length > width) _line.Length = width;
        WriteOver();
        _output.Flush();
    }

    private void WritePlainLine()
    {
        _line.Clear().Append(_label).Append(" [");
        AppendBar(PlainBarWidth, terminal: false);
        _line.Append("] ").Append(_batches).Append('/').Append(_batchCount);
        AppendMetrics();
        _line.Append(" ETA ");
        AppendEta();
        _line.Append('\n');
        _output.Write(_line);
        _output.Flush();
    }

    /// <summary>Writes the line over the previous one: back to column 0, then spaces over whatever the old line had beyond the new one.</summary>
    private void WriteOver()
    {
        int length = _line.Length;
        if (_lastLineLength > length) _line.Append(' ', _lastLineLength - length);
        _output.Write('\r');
        _output.Write(_line);
        _lastLineLength = length;
    }

    private void AppendBar(int width, bool terminal)
    {
        int eighths = (int)(8L * width * _batches / _batchCount);
        int full = eighths / 8;
        if (!terminal)
        {
            _line.Append('#', full).Append('.', width - full);
            return;
        }
        _line.Append('█', full);
        if (full < width) _line.Append(Eighths[eighths % 8]).Append(' ', width - full - 1);
    }

    private void AppendMetrics()
    {
        _line.Append(" loss ");
        AppendLoss(Loss);
        if (_tracksAccuracy == true) _line.Append(Invariant, $" acc {Accuracy:0.0000}");
        double rate = SamplesPerSecond;
        if (double.IsNaN(rate)) _line.Append(" - samples/s");
        else if (rate >= 100) _line.Append(Invariant, $" {rate:0} samples/s");
        else _line.Append(Invariant, $" {rate:0.0} samples/s");
        if (Monitor?.Status is { Length: > 0 } status) _line.Append(" | ").Append(status);
    }

    /// <summary>Four decimals, or scientific notation for losses too small or too large to read that way; nan and inf as Python prints them.</summary>
    private void AppendLoss(double loss)
    {
        double magnitude = Math.Abs(loss);
        if (double.IsNaN(loss)) _line.Append("nan");
        else if (double.IsInfinity(loss)) _line.Append(loss > 0 ? "inf" : "-inf");
        else if (magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5)) _line.Append(Invariant, $"{loss:0.000e+0}");
        else _line.Append(Invariant, $"{loss:0.0000}");
    }

    /// <summary>The time left if the remaining batches take as long as the mean batch so far.</summary>
    private void AppendEta() =>
        AppendDuration(TimeSpan.FromTicks(Elapsed.Ticks / _batches * (_batchCount - _batches)), withTenths: false);

    /// <summary>"m:ss" (or "h:mm:ss"); with <paramref name="withTenths"/>, "12.3s" below a minute.</summary>
    private void AppendDuration(TimeSpan duration, bool withTenths)
    {
        if (withTenths && duration < TimeSpan.FromMinutes(1))
        {
            _line.Append(Invariant, $"{duration.TotalSeconds:0.0}s");
            return;
        }
        long seconds = (long)Math.Round(duration.TotalSeconds);
        if (seconds >= 3600) _line.Append(Invariant, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}");
        else _line.Append(Invariant, $"{seconds / 60}:{seconds % 60:00}");
    }

    private static int ConsoleWidth()
    {
        try { return Console.WindowWidth; }
        catch (IOException) { return 0; }
    }
}
