using System.Globalization;
using System.Text;

namespace MiniNet.Reporting;

/// <summary>
/// A plain-text table for a terminal: the first column left-aligned (names), the others right-aligned (numbers),
/// every column as wide as its widest cell, two spaces between columns, no trailing spaces.
/// </summary>
internal sealed class TextTable(params string[] header)
{
    private readonly List<string[]?> _rows = [];

    /// <summary>A score in [0, 1] with four decimals, as classification reports print them.</summary>
    public static string Score(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>A count in invariant digits.</summary>
    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Adds a row with one cell per header column.</summary>
    public void Add(params string[] cells)
    {
        if (cells.Length != header.Length)
            throw new ArgumentException($"TextTable: a row of {cells.Length} cells in a table of {header.Length} columns.", nameof(cells));
        _rows.Add(cells);
    }

    /// <summary>Adds an empty line (between the per-class rows and the averages).</summary>
    public void AddBlankLine() => _rows.Add(null);

    /// <summary>The table, one line per row after the header, each ending in "\n".</summary>
    public override string ToString()
    {
        var widths = new int[header.Length];
        foreach (var row in _rows.Prepend(header))
            if (row is not null)
                for (int c = 0; c < row.Length; c++) widths[c] = Math.Max(widths[c], row[c].Length);

        var text = new StringBuilder();
        foreach (var row in _rows.Prepend(header))
        {
            if (row is not null)
            {
                for (int c = 0; c < row.Length; c++)
                {
                    if (c > 0) text.Append("  ");
                    text.Append(c == 0 ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c]));
                }
            }
            text.Length = TrimmedLength(text);
            text.Append('\n');
        }
        return text.ToString();
    }

    private static int TrimmedLength(StringBuilder text)
    {
        int length = text.Length;
        while (length > 0 && text[length - 1] == ' ') length--;
        return length;
    }
}
