using System.Globalization;
using System.Text;
using MiniNet.Reporting;

namespace MiniNet.Examples.MultiLabel;

/// <summary>The heads' test scores in one table, one column per head (and decision rule), one row per score.</summary>
internal static class ComparisonTable
{
    /// <summary>
    /// The summary scores, then the F1 of each attribute, for each of <paramref name="columns"/>: a head's
    /// name over its decision rule, and its metrics.
    /// </summary>
    public static string Format(IReadOnlyList<(string Head, string Rule, MultiLabelMetrics Metrics)> columns)
    {
        var rows = new List<(string Label, Func<MultiLabelMetrics, double>? Score)>
        {
            ("micro precision", m => m.MicroPrecision),
            ("micro recall", m => m.MicroRecall),
            ("micro F1", m => m.MicroF1),
            ("macro F1", m => m.MacroF1),
            ("Hamming loss", m => m.HammingLoss),
            ("exact match", m => m.ExactMatchRatio),
            ("F1 per attribute", null),
        };
        var names = columns[0].Metrics.AttributeNames;
        for (int k = 0; k < names.Count; k++)
        {
            int attribute = k;
            rows.Add(("  " + names[k], m => m.F1(attribute)));
        }

        int labelWidth = rows.Max(r => r.Label.Length);
        var widths = columns.Select(c => Math.Max(Math.Max(c.Head.Length, c.Rule.Length), 6)).ToArray();
        var text = new StringBuilder();
        void Line(string label, Func<int, string> cell)
        {
            var line = new StringBuilder(label.PadRight(labelWidth));
            for (int c = 0; c < columns.Count; c++) line.Append("   ").Append(cell(c).PadLeft(widths[c]));
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        Line("", c => columns[c].Head);
        Line("", c => columns[c].Rule);
        foreach (var (label, score) in rows)
            Line(label, c => score is null ? "" : score(columns[c].Metrics).ToString("0.0000", CultureInfo.InvariantCulture));
        return text.ToString();
    }
}
