using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MiniNet.Examples.SigmoidVsSoftmax;

namespace MiniNet.Tests.Examples;

/// <summary>
/// The Sigmoid-vs-Softmax experiment, run in-process on a slice of the shipped data (a few seconds), its
/// printed output parsed and checked: the tables, the side-by-side rows, the binary case, the summary line,
/// the plot, and the option errors.
/// </summary>
public class SigmoidVsSoftmaxExampleTests : IClassFixture<SigmoidVsSoftmaxExampleTests.SmallRun>
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>One run shared by the tests that only read its output: 512 images, 2 epochs, batch 32.</summary>
    public sealed class SmallRun : IDisposable
    {
        public static readonly string[] Arguments = ["--limit", "512", "--epochs", "2", "--batch", "32"];

        private readonly TempDirectory _plots = new();

        public SmallRun()
        {
            var output = new StringWriter();
            var errors = new StringWriter();
            ExitCode = SigmoidVsSoftmaxExample.Run([.. Arguments, "--plots", _plots.Path], output, errors);
            Output = output.ToString();
            Errors = errors.ToString();
            PlotsDirectory = _plots.Path;
        }

        public int ExitCode { get; }
        public string Output { get; }
        public string Errors { get; }
        public string PlotsDirectory { get; }
        public string[] Lines => Output.Split('\n');

        public void Dispose() => _plots.Dispose();
    }

    private readonly SmallRun _run;

    public SigmoidVsSoftmaxExampleTests(SmallRun run) => _run = run;

    /// <summary>A table row: the epoch, then (softmax+CE, sigmoid+BCE, sigmoid+MSE) for accuracy, gradient and saturation.</summary>
    private sealed record Row(int Epoch, double[] Accuracy, double[] Gradient, double[] SaturatedPercent);

    private static readonly Regex RowPattern = new(@"^\s*(\d+) \|([^|]*)\|([^|]*)\|([^|]*)$");

    /// <summary>The rows of each table, in the order printed (standard start, then saturated start).</summary>
    private static List<List<Row>> Tables(string[] lines)
    {
        var tables = new List<List<Row>>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("epoch |", StringComparison.Ordinal)) continue;
            var rows = new List<Row>();
            for (int j = i + 2; j < lines.Length && RowPattern.Match(lines[j]) is { Success: true } match; j++)
                rows.Add(new Row(int.Parse(match.Groups[1].Value, Invariant), Numbers(match.Groups[2].Value), Numbers(match.Groups[3].Value),
                    Numbers(match.Groups[4].Value.Replace("%", ""))));
            tables.Add(rows);
        }
        return tables;
    }

    private static double[] Numbers(string cells) =>
        cells.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(cell => double.Parse(cell, Invariant)).ToArray();

    [Fact]
    public void Runs_on_a_small_slice_without_errors()
    {
        Assert.Equal(0, _run.ExitCode);
        Assert.Equal("", _run.Errors);
        Assert.Contains("512 training and 512 test images", _run.Output);
    }

    [Fact]
    public void Prints_a_table_per_starting_point_with_a_row_per_epoch_from_0()
    {
        var tables = Tables(_run.Lines);
        Assert.Equal(2, tables.Count);
        foreach (var table in tables)
        {
            Assert.Equal([0, 1, 2], table.Select(row => row.Epoch));
            foreach (var row in table)
            {
                Assert.Equal(3, row.Accuracy.Length);
                Assert.Equal(3, row.Gradient.Length);
                Assert.Equal(3, row.SaturatedPercent.Length);
                Assert.All(row.Accuracy, a => Assert.InRange(a, 0, 1));
                Assert.All(row.Gradient, g => Assert.InRange(g, 1e-6, 1));
                Assert.All(row.SaturatedPercent, s => Assert.InRange(s, 0, 100));
            }
        }
    }

    [Fact]
    public void Epoch_0_is_the_same_network_for_all_three_heads()
    {
        foreach (var table in Tables(_run.Lines))
        {
            var untrained = table[0];
            Assert.Equal(untrained.Accuracy[0], untrained.Accuracy[1]);
            Assert.Equal(untrained.Accuracy[0], untrained.Accuracy[2]);
            Assert.Equal(untrained.SaturatedPercent[1], untrained.SaturatedPercent[2]); // the same σ(z) for both sigmoid heads
        }
    }

    [Fact]
    public void Standard_start_gradients_are_p_minus_y_and_half_of_it_for_squared_error()
    {
        // Logits start near 0, and the monitor reports ‖∂L/∂z‖ of the batch loss (1/N) Σᵢ ℓᵢ, N = 32 rows of ten outputs:
        // sigmoid+BCE, (p − y)/N with |p − y| ≈ ½ everywhere: √(10N·¼)/N = √(2.5/32) ≈ 0.280; squared error multiplies each
        // by 2p(1 − p) ≈ ½, so half of it; softmax, p ≈ 0.1: each row (0.9² + 9·0.1²) = 0.9, so √(0.9/32) ≈ 0.168.
        var untrained = Tables(_run.Lines)[0][0];
        Assert.InRange(untrained.Gradient[0], 0.155, 0.18);
        Assert.InRange(untrained.Gradient[1], 0.26, 0.31);
        Assert.InRange(untrained.Gradient[2] / untrained.Gradient[1], 0.45, 0.55);
        Assert.Equal([0.0, 0.0, 0.0], untrained.SaturatedPercent);
    }

    [Fact]
    public void The_monitor_announces_the_squared_error_stall_from_the_saturated_start_only()
    {
        var announcements = _run.Lines.Where(line => line.StartsWith("    monitor: ", StringComparison.Ordinal)).ToArray();
        var stall = Assert.Single(announcements, line => line.Contains("a sigmoid with squared error stalls when saturated", StringComparison.Ordinal));
        Assert.StartsWith("    monitor: step 1, layer 3 (Sigmoid): ", stall, StringComparison.Ordinal);
        Assert.Contains("use SigmoidHead (binary cross-entropy on logits", stall, StringComparison.Ordinal);
        int at = Array.IndexOf(_run.Lines, stall);
        Assert.StartsWith("  trained sigmoid+MSE", _run.Lines[at - 1], StringComparison.Ordinal); // after the run it watched
        Assert.True(at > Array.FindIndex(_run.Lines, line => line.StartsWith("saturated start", StringComparison.Ordinal)));
        Assert.DoesNotContain(announcements, line => line.Contains("(Sigmoid)", StringComparison.Ordinal) && line != stall);
    }

    [Fact]
    public void Saturated_start_begins_with_many_wrong_saturated_sigmoids_and_squared_error_gets_the_least_gradient()
    {
        var saturated = Tables(_run.Lines)[1];
        Assert.True(saturated[0].SaturatedPercent[1] > 5, $"{saturated[0].SaturatedPercent[1]}% saturated at the start");
        foreach (var row in saturated.Skip(1))
            Assert.True(row.Gradient[2] < row.Gradient[1] / 5, $"epoch {row.Epoch}: MSE {row.Gradient[2]} vs BCE {row.Gradient[1]}");
    }

    [Fact]
    public void Ends_with_the_softmax_test_accuracy_of_the_standard_start()
    {
        var lines = _run.Output.TrimEnd('\n').Split('\n');
        var match = Regex.Match(lines[^1], @"^softmax test accuracy: (0\.\d{4}|1\.0000)$");
        Assert.True(match.Success, lines[^1]);
        double accuracy = double.Parse(match.Groups[1].Value, Invariant);
        Assert.Equal(Tables(_run.Lines)[0][^1].Accuracy[0], accuracy);
        Assert.True(accuracy > 0.5, $"softmax reached only {accuracy} on 512 images"); // ten classes: chance is 0.1
    }

    [Fact]
    public void Softmax_row_sums_to_one_and_the_sigmoid_row_of_the_same_logits_does_not()
    {
        var rows = _run.Lines.Where(line => Regex.IsMatch(line, @"^  (softmax|sigmoid)\(z\) +\d")).ToArray();
        Assert.Equal(6, rows.Length); // three images, two rows each
        foreach (string row in rows)
        {
            var numbers = Numbers(row[(row.IndexOf(')') + 1)..]);
            Assert.Equal(11, numbers.Length); // ten probabilities and the sum
            double sum = numbers[10];
            Assert.Equal(numbers[..10].Sum(), sum, 10 * 0.00005 + 1e-6); // the printed probabilities are rounded to 4 decimals
            if (row.Contains("softmax", StringComparison.Ordinal)) Assert.Equal(1.0, sum, 1e-6);
            else Assert.True(Math.Abs(sum - 1) > 0.05, $"a sigmoid row summed to {sum}");
        }
    }

    [Fact]
    public void Binary_case_sigmoid_equals_two_way_softmax()
    {
        // Exact values 1/(1 + e^(b − a)) rounded to float64, from Python's decimal module at 50 digits:
        //   getcontext().prec = 50; float(1 / (1 + Decimal(-z).exp()))
        var exact = new Dictionary<(double, double), double>
        {
            [(-20, 0)] = 2.0611536181902037e-09, [(-4, 0)] = 0.01798620996209156, [(-1, 0)] = 0.2689414213699951,
            [(0, 0)] = 0.5, [(1, 0)] = 0.7310585786300049, [(4, 0)] = 0.9820137900379085,
            [(20, 0)] = 0.9999999979388464, [(2.5, 4)] = 0.18242552380635635, [(100, 97)] = 0.9525741268224333,
        };
        var pattern = new Regex(@"^\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(\S+)\s+(\S+)\s+(\S+)$");
        int start = Array.FindIndex(_run.Lines, line => line.StartsWith("Binary case:", StringComparison.Ordinal));
        var rows = _run.Lines.Skip(start + 2).TakeWhile(line => line.Length > 0).Select(line => pattern.Match(line)).ToArray();
        Assert.Equal(10, rows.Length);
        foreach (var row in rows)
        {
            Assert.True(row.Success);
            double a = Parse(row.Groups[1]), b = Parse(row.Groups[2]), sigmoid = Parse(row.Groups[3]), softmax = Parse(row.Groups[4]);
            Assert.Equal(0, Math.Abs(sigmoid - softmax) / sigmoid, 1e-15);
            Assert.Equal(sigmoid == softmax ? 0 : Math.Abs(sigmoid - softmax) / Math.Max(sigmoid, softmax), Parse(row.Groups[5]), 0.05e-16);
            if (exact.TryGetValue((a, b), out double expected)) Assert.Equal(0, Math.Abs(sigmoid - expected) / expected, 1e-15);
        }
    }

    [Fact]
    public void Binary_case_gradients_are_p_minus_y_for_both_heads()
    {
        var pattern = new Regex(@"^\s+(-?[\d.]+)\s+(\S+)\s+(\S+)\s+(\S+)$");
        int start = Array.FindIndex(_run.Lines, line => line.Contains("∂BCE(σ(z), 1)/∂z", StringComparison.Ordinal));
        var rows = _run.Lines.Skip(start + 1).TakeWhile(line => line.Length > 0).Select(line => pattern.Match(line)).ToArray();
        Assert.Equal(7, rows.Length);
        foreach (var row in rows)
        {
            Assert.True(row.Success);
            double z = Parse(row.Groups[1]), bce = Parse(row.Groups[2]), ce = Parse(row.Groups[3]);
            double p = 1 / (1 + Math.Exp(-z));
            Assert.Equal(p - 1, bce, 1e-15);
            Assert.Equal(p - 1, ce, 1e-15);
            Assert.True(bce < 0); // the answer is "yes": the gradient always pushes the logit up
        }
        Assert.Equal(-1.0, Parse(rows[0].Groups[2]), 1e-8); // z = −20, confidently wrong: the full push, nothing vanishes
    }

    [Fact]
    public void Explains_the_squared_error_gradient_with_its_values()
    {
        string factorRow = _run.Lines.Single(line => line.StartsWith("  2(p − y)·p·(1 − p)", StringComparison.Ordinal));
        Assert.Equal([-0.25, -0.162, -0.0196, -0.002], Numbers(factorRow["  2(p − y)·p·(1 − p)".Length..]));
        Assert.Contains("Here, from the saturated start,", _run.Output);
    }

    [Fact]
    public void Writes_the_figure_as_well_formed_svg()
    {
        var files = Directory.GetFiles(_run.PlotsDirectory);
        Assert.Equal([Path.Combine(_run.PlotsDirectory, "sigmoid-vs-softmax.svg")], files);
        var svg = XDocument.Load(files[0]);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToArray();
        foreach (string panel in new[] { "standard start: test accuracy", "saturated start (×20): outputs saturated and wrong" })
            Assert.Contains(panel, texts);
        foreach (string head in new[] { "softmax+CE", "sigmoid+BCE", "sigmoid+MSE" })
            Assert.Contains(head, texts);
        Assert.Contains($"plots: {files[0]}", _run.Output);
    }

    [Fact]
    public void The_same_seed_prints_the_same_results()
    {
        using var plots = new TempDirectory();
        var again = new StringWriter();
        Assert.Equal(0, SigmoidVsSoftmaxExample.Run([.. SmallRun.Arguments, "--plots", plots.Path], again, new StringWriter()));
        // Everything but the times and the folder of the plots.
        static string[] Results(string output) => output.Split('\n')
            .Where(line => !line.Contains(" s)", StringComparison.Ordinal) && !line.StartsWith("total time", StringComparison.Ordinal) && !line.StartsWith("plots:", StringComparison.Ordinal))
            .ToArray();
        Assert.Equal(Results(_run.Output), Results(again.ToString()));
        Assert.Equal(File.ReadAllText(Path.Combine(_run.PlotsDirectory, "sigmoid-vs-softmax.svg")), File.ReadAllText(plots.File("sigmoid-vs-softmax.svg")));
    }

    [Theory]
    [InlineData("--optimizer rmsprop", "--optimizer expects one of sgd, adam, got 'rmsprop'")]
    [InlineData("--epochs 0", "--epochs expects a whole number ≥ 1, got '0'")]
    [InlineData("--lr 0", "--lr expects a positive number, got 0")]
    [InlineData("--lr fast", "--lr expects a number ≥ 0, got 'fast'")]
    [InlineData("--hidden 128 0", "--hidden expects whole numbers ≥ 1, got '0'")]
    [InlineData("--saturated-scale 0.5", "--saturated-scale expects a number ≥ 1, got '0.5'")]
    [InlineData("--limit 10 --batch 64", "--batch 64 is larger than the 10 training images")]
    [InlineData("--data /nonexistent/fashion", "--data: the folder '/nonexistent/fashion' does not exist")]
    [InlineData("--epoch 3", "unknown option --epoch")]
    [InlineData("--seed -1", "--seed expects a whole number ≥ 0, got '-1'")]
    public void Bad_options_fail_with_a_clear_message_and_the_usage(string arguments, string message)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int exitCode = SigmoidVsSoftmaxExample.Run(arguments.Split(' '), output, errors);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, errors.ToString());
        Assert.Contains("Usage: dotnet run -c Release --project examples/SigmoidVsSoftmax", errors.ToString());
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void Help_prints_the_usage()
    {
        var output = new StringWriter();
        Assert.Equal(0, SigmoidVsSoftmaxExample.Run(["--help"], output, new StringWriter()));
        Assert.Contains("--saturated-scale K", output.ToString());
    }

    private static double Parse(Group group) => double.Parse(group.Value, Invariant);
}
