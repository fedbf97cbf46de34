using System.Globalization;
using System.Text;

namespace MiniNet.Examples.SigmoidVsSoftmax;

/// <summary>
/// The per-epoch table: one row per epoch, and for each measure one column per head, so the three heads
/// sit side by side.
/// </summary>
internal static class ResultsTable
{
    private const int Width = 11; // one column: wide enough for "sigmoid+BCE"

    public static string Format(IReadOnlyDictionary<ComparedHead, List<EpochResult>> results)
    {
        var heads = ComparedHeads.All;
        var text = new StringBuilder();
        var groups = new (string Title, Func<EpochResult, string> Cell)[]
        {
            ("test accuracy", r => r.TestAccuracy.ToString("0.0000", CultureInfo.InvariantCulture)),
            ("‖∂L/∂z‖ at the logits", r => r.LogitGradientNorm.ToString("0.00000", CultureInfo.InvariantCulture)),
            ("saturated and wrong", r => (100 * r.SaturatedWrong).ToString("0.000", CultureInfo.InvariantCulture) + "%"),
        };
        text.Append("epoch");
        foreach (var group in groups) text.Append(" |").Append(Center(group.Title, heads.Length * (Width + 1)));
        text.Length = text.ToString().TrimEnd().Length;
        text.Append('\n').Append("     ");
        foreach (var _ in groups)
        {
            text.Append(" |");
            foreach (var head in heads) text.Append(' ').Append(ComparedHeads.Name(head).PadLeft(Width));
        }
        text.Append('\n');
        int epochs = results[heads[0]].Count;
        for (int e = 0; e < epochs; e++)
        {
            text.Append(e.ToString(CultureInfo.InvariantCulture).PadLeft(5));
            foreach (var group in groups)
            {
                text.Append(" |");
                foreach (var head in heads) text.Append(' ').Append(group.Cell(results[head][e]).PadLeft(Width));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Center(string title, int width)
    {
        int left = Math.Max(0, (width - title.Length) / 2);
        return (new string(' ', left) + title).PadRight(width);
    }
}
