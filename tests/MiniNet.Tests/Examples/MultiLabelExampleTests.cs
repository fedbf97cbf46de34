using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MiniNet.Data;
using MiniNet.Examples.MultiLabel;
using MiniNet.Tests.Data;

namespace MiniNet.Tests.Examples;

/// <summary>One run of the example on a small slice of the shipped data, shared by the tests that read its output.</summary>
public sealed class MultiLabelSliceRun : IDisposable
{
    public const int Limit = 600;

    public MultiLabelSliceRun()
    {
        var output = new StringWriter();
        ExitCode = MultiLabelExample.Run(["--limit", $"{Limit}", "--epochs", "2", "--hidden", "32", "--plots", Plots.Path], output);
        Output = output.ToString();
        Lines = Output.Split('\n');
    }

    internal TempDirectory Plots { get; } = new();

    public int ExitCode { get; }

    public string Output { get; }

    public string[] Lines { get; }

    public void Dispose() => Plots.Dispose();
}

public class MultiLabelExampleTests(MultiLabelSliceRun run) : IClassFixture<MultiLabelSliceRun>
{
    private static readonly Regex MetricsRow = new(@"^(?<name>\S.*?)\s+(?<p>\d\.\d{4})\s+(?<r>\d\.\d{4})\s+(?<f>\d\.\d{4})\s+(?<support>\d+)$");

    [Fact]
    public void The_last_line_is_the_sigmoid_heads_test_micro_F1()
    {
        Assert.Equal(0, run.ExitCode);
        var last = Regex.Match(run.Output.TrimEnd('\n').Split('\n')[^1], @"^test micro-F1: (0\.\d{4}|1\.0000)$");
        Assert.True(last.Success, $"last line: '{run.Output.TrimEnd('\n').Split('\n')[^1]}'");
        Assert.Equal(Table(0).MicroF1, double.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Single(run.Lines, line => line.StartsWith("test micro-F1:", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_heads_report_counts_the_true_attributes_of_the_test_slice_and_its_scores_are_consistent()
    {
        var labels = FashionMnist.Load(ShippedSubsetTests.ShippedDirectory(), train: false).Take(MultiLabelSliceRun.Limit).GetLabels();
        foreach (int head in new[] { 0, 1 })
        {
            var table = Table(head);
            Assert.Equal(ClothingAttributes.Names, table.Rows.Select(r => r.Name));
            for (int k = 0; k < ClothingAttributes.Count; k++)
            {
                var (_, precision, recall, f1, support) = table.Rows[k];
                Assert.Equal(labels.Count(label => ClothingAttributes.Has(label, k)), support);
                foreach (double score in new[] { precision, recall, f1 }) Assert.InRange(score, 0, 1);
                // F1 is the harmonic mean of the printed (rounded) precision and recall.
                double harmonic = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
                Assert.InRange(f1, harmonic - 2e-4, harmonic + 2e-4);
            }
            Assert.InRange(table.MicroF1, 0.3, 1);
            Assert.InRange(table.MacroF1, 0, 1);
            Assert.InRange(table.HammingLoss, 0, 0.5);
            Assert.InRange(table.ExactMatch, 0, 1);
        }
    }

    [Fact]
    public void The_softmax_head_refuses_the_multi_hot_targets_and_points_to_the_sigmoid_head()
    {
        string text = Regex.Replace(run.Output, @"\s+", " ");
        Assert.Contains("refused: SoftmaxCrossEntropy:", text);
        Assert.Contains("(multi-label)", text);
        Assert.Contains("use the sigmoid head", text);
    }

    [Fact]
    public void The_side_by_side_table_holds_both_heads_metrics_and_the_oracles()
    {
        int start = Array.FindIndex(run.Lines, line => line.StartsWith("== Side by side", StringComparison.Ordinal));
        Assert.True(start >= 0, "no side-by-side section");
        Assert.Matches(@"sigmoid head\s+softmax head\s+sigmoid head\s+softmax head", run.Lines[start + 1]);
        double[] Row(string label)
        {
            string line = run.Lines.Skip(start).First(l => l.StartsWith(label + " ", StringComparison.Ordinal));
            var values = Regex.Matches(line[label.Length..], @"\d\.\d{4}").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(4, values.Length);
            return values;
        }

        var (sigmoid, softmax) = (Table(0), Table(1));
        Assert.Equal([sigmoid.MicroF1, softmax.MicroF1], Row("micro F1")[..2]);
        Assert.Equal([sigmoid.MacroF1, softmax.MacroF1], Row("macro F1")[..2]);
        Assert.Equal([sigmoid.HammingLoss, softmax.HammingLoss], Row("Hamming loss")[..2]);
        Assert.Equal([sigmoid.ExactMatch, softmax.ExactMatch], Row("exact match")[..2]);
        for (int k = 0; k < ClothingAttributes.Count; k++)
            Assert.Equal([sigmoid.Rows[k].F1, softmax.Rows[k].F1], Row("  " + ClothingAttributes.Names[k])[..2]);

        // Told m, the oracle predicts exactly as many attributes as there are: false positives = false negatives,
        // so its micro precision, recall and F1 coincide.
        var (precision, recall, f1) = (Row("micro precision"), Row("micro recall"), Row("micro F1"));
        for (int column = 2; column < 4; column++)
        {
            Assert.Equal(precision[column], recall[column]);
            Assert.Equal(precision[column], f1[column]);
        }
    }

    [Fact]
    public void The_comparison_is_explained()
    {
        Assert.Contains("compete for one unit of probability", run.Output);
        Assert.Contains("its own Bernoulli", run.Output);
        Assert.Matches(@"micro-F1 on the test set: sigmoid head \d\.\d{4}, softmax head \d\.\d{4}", run.Output);
    }

    [Fact]
    public void The_attribute_table_is_printed_with_a_tick_per_attribute_of_each_class()
    {
        for (int c = 0; c < FashionMnist.ClassCount; c++)
        {
            string line = run.Lines.First(l => l.StartsWith(FashionMnist.ClassNames[c] + " ", StringComparison.Ordinal));
            Assert.Equal(ClothingAttributes.CountOf(c), line.Count(ch => ch == '✓'));
            Assert.EndsWith(" " + ClothingAttributes.CountOf(c), line);
        }
    }

    [Fact]
    public void Both_figures_are_written_as_well_formed_SVG()
    {
        Assert.Equal(["multilabel-f1-per-attribute.svg", "multilabel-training.svg"], run.Plots.FileNames().Order());
        XNamespace svg = "http://www.w3.org/2000/svg";
        foreach (string name in run.Plots.FileNames())
        {
            var document = XDocument.Load(run.Plots.File(name));
            Assert.Equal(svg + "svg", document.Root!.Name);
            Assert.Contains(run.Plots.File(name), run.Output);
        }
        var barChart = XDocument.Load(run.Plots.File("multilabel-f1-per-attribute.svg"));
        string words = string.Join(" ", barChart.Descendants(svg + "text").Select(t => t.Value));
        foreach (string attribute in ClothingAttributes.Names)
            foreach (string word in attribute.Split(' ', '/'))
                Assert.Contains(word, words);
        // A bar for each head and attribute (plus the legend's swatches and marks).
        Assert.True(barChart.Descendants(svg + "rect").Count() >= 2 * 2 * ClothingAttributes.Count);
    }

    private sealed record MetricsTable(List<(string Name, double Precision, double Recall, double F1, int Support)> Rows,
        double MicroF1, double MacroF1, double HammingLoss, double ExactMatch);

    /// <summary>The <paramref name="index"/>-th metrics report in the output (0: the sigmoid head's, 1: the softmax head's).</summary>
    private MetricsTable Table(int index)
    {
        int header = -1;
        for (int seen = -1; seen < index;)
        {
            header = Array.FindIndex(run.Lines, header + 1, line => Regex.IsMatch(line, @"^attribute\s+precision\s+recall\s+f1-score\s+support$"));
            Assert.True(header >= 0, $"metrics report {index} not found");
            seen++;
        }
        var rows = new List<(string, double, double, double, int)>();
        for (int i = header + 1; run.Lines[i].Length > 0; i++)
        {
            var match = MetricsRow.Match(run.Lines[i]);
            Assert.True(match.Success, $"unreadable metrics row '{run.Lines[i]}'");
            rows.Add((match.Groups["name"].Value, Parse(match.Groups["p"].Value), Parse(match.Groups["r"].Value),
                Parse(match.Groups["f"].Value), int.Parse(match.Groups["support"].Value, CultureInfo.InvariantCulture)));
        }
        double Score(string label)
        {
            string line = run.Lines.Skip(header).First(l => l.StartsWith(label, StringComparison.Ordinal));
            return Parse(Regex.Match(line[label.Length..], @"\d\.\d{4}").Value);
        }
        double f1Of(string label) => Parse(MetricsRow.Match(run.Lines.Skip(header).First(l => l.StartsWith(label, StringComparison.Ordinal))).Groups["f"].Value);
        return new MetricsTable(rows, f1Of("micro avg"), f1Of("macro avg"), Score("hamming loss"), Score("exact match"));
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}

public class MultiLabelExampleOptionsTests
{
    [Theory]
    [InlineData("--epochs", "0", "--epochs")]
    [InlineData("--batch", "many", "--batch")]
    [InlineData("--hidden", "0", "--hidden")]
    [InlineData("--lr", "0", "--lr")]
    [InlineData("--lr", "-0.1", "--lr")]
    [InlineData("--lr", "NaN", "--lr")]
    [InlineData("--seed", "-1", "--seed")]
    [InlineData("--limit", "0", "--limit")]
    [InlineData("--threshold", "1", "--threshold")]
    [InlineData("--threshold", "0", "--threshold")]
    [InlineData("--threshold", "0.5.1", "--threshold")]
    [InlineData("--data", "/no/such/directory", "/no/such/directory")]
    [InlineData("--colour", "blue", "unknown option --colour")]
    public void Bad_options_stop_the_run_with_a_message_naming_them(string option, string value, string named)
    {
        var output = new StringWriter();
        Assert.Equal(2, MultiLabelExample.Run([option, value], output));
        string text = output.ToString();
        Assert.StartsWith("error: ", text);
        Assert.Contains(named, text.Split('\n')[0]);
        Assert.Contains("Usage:", text);
        Assert.DoesNotContain("test micro-F1", text);
    }

    [Fact]
    public void Plots_must_name_a_directory_not_a_file()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("taken"), "");
        var output = new StringWriter();
        Assert.Equal(2, MultiLabelExample.Run(["--plots", temp.File("taken")], output));
        Assert.StartsWith("error: --plots", output.ToString());
    }

    [Fact]
    public void Help_prints_every_option()
    {
        var output = new StringWriter();
        Assert.Equal(0, MultiLabelExample.Run(["--help"], output));
        foreach (string option in new[] { "--data", "--epochs", "--hidden", "--batch", "--lr", "--seed", "--limit", "--threshold", "--plots" })
            Assert.Contains(option, output.ToString());
    }

    [Fact]
    public void The_same_seed_gives_the_same_results()
    {
        string[] args = ["--limit", "300", "--epochs", "1", "--hidden", "16", "--seed", "7"];
        Assert.Equal(Results(args), Results(args));
        Assert.NotEqual(Results(args), Results([.. args[..^1], "8"]));

        // Everything but the timings (samples/s and seconds vary from run to run).
        static string Results(string[] args)
        {
            var output = new StringWriter();
            Assert.Equal(0, MultiLabelExample.Run(args, output));
            return string.Join("\n", output.ToString().Split('\n')
                .Where(line => !line.Contains("samples/s", StringComparison.Ordinal) && !line.StartsWith("trained in", StringComparison.Ordinal)));
        }
    }
}

public class ClothingAttributesTests
{
    [Fact]
    public void The_attribute_table_is_the_one_the_README_documents()
    {
        string readme = Path.Combine(ShippedSubsetTests.ShippedDirectory(), "..", "MultiLabel", "README.md");
        var lines = File.ReadAllLines(readme);
        int header = Array.FindIndex(lines, line => line.StartsWith("| class |", StringComparison.Ordinal));
        Assert.True(header >= 0, "the README has no table starting with '| class |'");
        string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();

        var columns = Cells(lines[header]);
        Assert.Equal(["class", .. ClothingAttributes.Names, "labels"], columns);
        for (int c = 0; c < FashionMnist.ClassCount; c++)
        {
            var cells = Cells(lines[header + 2 + c]); // after the header and its alignment row
            Assert.Equal(FashionMnist.ClassNames[c], cells[0]);
            for (int a = 0; a < ClothingAttributes.Count; a++)
                Assert.True(ClothingAttributes.Has(c, a) ? cells[1 + a] == "✓" : cells[1 + a] == "",
                    $"README: {FashionMnist.ClassNames[c]} / {ClothingAttributes.Names[a]} is '{cells[1 + a]}'");
            Assert.Equal(ClothingAttributes.CountOf(c).ToString(CultureInfo.InvariantCulture), cells[^1]);
        }
        Assert.False(lines[header + 2 + FashionMnist.ClassCount].StartsWith('|'), "the README's table has more rows than classes");
    }

    [Fact]
    public void Every_class_has_an_attribute_so_its_targets_can_be_renormalised()
    {
        for (int c = 0; c < FashionMnist.ClassCount; c++) Assert.InRange(ClothingAttributes.CountOf(c), 1, 3);
    }

    [Fact]
    public void No_attribute_is_a_single_class_or_all_of_them_and_no_two_agree()
    {
        var table = ClothingAttributes.ForClasses();
        Assert.Equal([FashionMnist.ClassCount, ClothingAttributes.Count], new[] { table.GetLength(0), table.GetLength(1) });
        var columns = Enumerable.Range(0, ClothingAttributes.Count)
            .Select(a => string.Concat(Enumerable.Range(0, FashionMnist.ClassCount).Select(c => table[c, a] ? 'x' : '.')))
            .ToArray();
        foreach (string column in columns) Assert.InRange(column.Count(ch => ch == 'x'), 2, FashionMnist.ClassCount - 2);
        Assert.Equal(columns.Length, columns.Distinct().Count());
    }

    [Fact]
    public void ForClasses_returns_a_copy()
    {
        var table = ClothingAttributes.ForClasses();
        table[0, 0] = !table[0, 0];
        Assert.NotEqual(table[0, 0], ClothingAttributes.Has(0, 0));
    }

    [Fact]
    public void The_targets_of_a_class_are_its_row()
    {
        var targets = Targets.MultiHot([6, 8], ClothingAttributes.ForClasses()); // Shirt, Bag
        Assert.Equal(new float[] { 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, targets.ToArray<float>());
    }
}

public class MultiLabelDecisionRuleTests
{
    [Fact]
    public void Sigmoid_rule_predicts_where_the_probability_exceeds_the_threshold()
    {
        float[] logits = [0, 0.1f, -0.1f, 2]; // σ: 0.5, 0.525, 0.475, 0.8808
        Assert.Equal(new[,] { { false, true, false, true } }, DecisionRules.SigmoidAbove(logits, 4, 0.5));
        Assert.Equal(new[,] { { false, false, false, true } }, DecisionRules.SigmoidAbove(logits, 4, 0.88));
        Assert.Equal(new[,] { { false, true }, { false, true } }, DecisionRules.SigmoidAbove(logits, 2, 0.5));
    }

    [Fact]
    public void Softmax_rule_keeps_what_exceeds_half_the_top_probability()
    {
        // Logits are log-probabilities up to a constant: the rule must not depend on the constant.
        float[] Logits(params double[] p) => p.Select(x => (float)(Math.Log(x) + 3)).ToArray();
        Assert.Equal(new[,] { { true, true, false, false } }, DecisionRules.SoftmaxAboveHalfOfTop(Logits(0.4, 0.4, 0.15, 0.05), 4));
        Assert.Equal(new[,] { { true, true, false } }, DecisionRules.SoftmaxAboveHalfOfTop(Logits(0.5, 0.26, 0.24), 3));
        Assert.Equal(new[,] { { false, true, true } }, DecisionRules.SoftmaxAboveHalfOfTop(Logits(0.2, 0.41, 0.39), 3));
        Assert.Equal(new[,] { { true, false } }, DecisionRules.SoftmaxAboveHalfOfTop(Logits(0.7, 0.3), 2));
    }

    [Fact]
    public void Oracle_takes_as_many_top_logits_as_the_row_has_attributes()
    {
        float[] logits = [1, 3, 2, 0, 5, 5, 5, 5];
        var targets = new[,] { { true, false, false, true }, { false, false, true, false } };
        // Row 0 has two attributes: the two largest logits, whichever are true. Row 1, one: ties go to the lowest index.
        Assert.Equal(new[,] { { false, true, true, false }, { true, false, false, false } }, DecisionRules.TopTrueCount(logits, targets));
    }
}
