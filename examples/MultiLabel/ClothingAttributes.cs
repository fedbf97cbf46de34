using System.Text;
using MiniNet.Data;

namespace MiniNet.Examples.MultiLabel;

/// <summary>
/// The fixed table that turns Fashion-MNIST's ten classes into eight attributes, so that an image carries
/// one to three labels at once: what a garment covers, its sleeves and fastening, the shape of a shoe.
/// Several attributes cut across the classes (trousers and ankle boots both reach the ankle; sandals and
/// bags both have straps or handles), so no single class boundary decides them.
/// </summary>
public static class ClothingAttributes
{
    /// <summary>The attributes, in column order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "upper body",     // worn on the torso: tops, dresses, coats
        "lower body",     // covers the legs: trousers, dresses
        "footwear",       // worn on the feet
        "long sleeves",   // sleeves down to the wrist
        "front opening",  // buttons or a zip down the front
        "closed toe",     // a shoe that encloses the foot
        "reaches ankle",  // full-length trousers, boots that cover the ankle
        "straps/handles", // the straps of a sandal, the handles of a bag
    ];

    // One row per class (FashionMnist.ClassNames' order), one column per attribute (Names' order): x where the class has it.
    private static readonly bool[,] Table = Parse(
        "x.......", // T-shirt/top
        ".x....x.", // Trouser
        "x..x....", // Pullover
        "xx......", // Dress
        "x..xx...", // Coat
        "..x....x", // Sandal
        "x..xx...", // Shirt
        "..x..x..", // Sneaker
        ".......x", // Bag
        "..x..xx.");// Ankle boot

    /// <summary>The number of attributes.</summary>
    public static int Count => Names.Count;

    /// <summary>
    /// Row c says which attributes class c has: [10 classes, <see cref="Count"/> attributes] (a copy), the
    /// argument of <see cref="Batch.MultiHot"/> and <see cref="Targets.MultiHot"/>.
    /// </summary>
    public static bool[,] ForClasses() => (bool[,])Table.Clone();

    /// <summary>Whether class <paramref name="classIndex"/> has attribute <paramref name="attribute"/>.</summary>
    public static bool Has(int classIndex, int attribute) => Table[classIndex, attribute];

    /// <summary>The number of attributes class <paramref name="classIndex"/> has.</summary>
    public static int CountOf(int classIndex)
    {
        int count = 0;
        for (int a = 0; a < Count; a++) if (Table[classIndex, a]) count++;
        return count;
    }

    /// <summary>
    /// The table as text: one row per class, a ✓ under each attribute it has and its label count, with the
    /// attribute names broken over two header lines so that the table stays narrow.
    /// </summary>
    public static string Format()
    {
        var classNames = FashionMnist.ClassNames;
        int nameWidth = Math.Max("class".Length, classNames.Max(name => name.Length));
        var headers = Names.Select(SplitInTwo).ToArray();
        var widths = headers.Select(h => Math.Max(h.Top.Length, h.Bottom.Length)).ToArray();

        var text = new StringBuilder();
        void Line(string first, Func<int, string> cell, string last)
        {
            var line = new StringBuilder(first.PadRight(nameWidth));
            for (int a = 0; a < Count; a++) line.Append("  ").Append(Centre(cell(a), widths[a]));
            line.Append("  ").Append(last);
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        Line("", a => headers[a].Top, "");
        Line("class", a => headers[a].Bottom, "labels");
        for (int c = 0; c < classNames.Count; c++)
            Line(classNames[c], a => Table[c, a] ? "✓" : "", $"{CountOf(c),6}");
        return text.ToString();
    }

    /// <summary>Splits a name at the space nearest its middle ("long sleeves" → "long" over "sleeves"); a one-word name goes on the lower line.</summary>
    private static (string Top, string Bottom) SplitInTwo(string name)
    {
        int best = -1;
        for (int i = 0; i < name.Length; i++)
            if (name[i] == ' ' && (best < 0 || Math.Abs(2 * i - name.Length) < Math.Abs(2 * best - name.Length))) best = i;
        return best < 0 ? ("", name) : (name[..best], name[(best + 1)..]);
    }

    private static string Centre(string text, int width)
    {
        int left = (width - text.Length) / 2;
        return text.PadLeft(left + text.Length).PadRight(width);
    }

    private static bool[,] Parse(params string[] rows)
    {
        var table = new bool[rows.Length, rows[0].Length];
        for (int c = 0; c < rows.Length; c++)
            for (int a = 0; a < rows[c].Length; a++) table[c, a] = rows[c][a] == 'x';
        return table;
    }
}
