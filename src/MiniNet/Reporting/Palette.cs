using System.Text;

namespace MiniNet.Reporting;

/// <summary>
/// Series colours and marker shapes. The colours are Okabe and Ito's palette ("Color Universal Design", 2008),
/// which people with every common form of colour blindness tell apart, ordered so that the first ones are the
/// most distinct on white (its yellow, hard to see on white, comes last); each series also gets its own marker shape.
/// </summary>
internal static class Palette
{
    private static readonly string[] Colours =
    [
        "#0072B2", // blue
        "#D55E00", // vermillion
        "#009E73", // bluish green
        "#CC79A7", // reddish purple
        "#E69F00", // orange
        "#56B4E9", // sky blue
        "#000000", // black
        "#F0E442", // yellow
    ];

    /// <summary>The colour of series number <paramref name="index"/> (cycling after eight).</summary>
    public static string Colour(int index) => Colours[index % Colours.Length];

    /// <summary>
    /// Appends the path data of marker number <paramref name="index"/> (circle, square, triangle up, diamond,
    /// triangle down, cycling) centred at (<paramref name="x"/>, <paramref name="y"/>) with about the area of a disc of <paramref name="radius"/>.
    /// </summary>
    public static void AppendMarker(StringBuilder path, int index, double x, double y, double radius)
    {
        static string N(double v) => SvgBuilder.Number(v);
        switch (index % 5)
        {
            case 0: // circle: two half arcs
                path.Append('M').Append(N(x - radius)).Append(' ').Append(N(y))
                    .Append("a").Append(N(radius)).Append(' ').Append(N(radius)).Append(" 0 1 0 ").Append(N(2 * radius)).Append(" 0")
                    .Append("a").Append(N(radius)).Append(' ').Append(N(radius)).Append(" 0 1 0 ").Append(N(-2 * radius)).Append(" 0Z");
                break;
            case 1: // square
                double h = radius * 0.89;
                path.Append('M').Append(N(x - h)).Append(' ').Append(N(y - h)).Append('h').Append(N(2 * h)).Append('v').Append(N(2 * h))
                    .Append('h').Append(N(-2 * h)).Append('Z');
                break;
            case 2: // triangle up
            case 4: // triangle down
                double s = radius * 1.35, direction = index % 5 == 2 ? 1 : -1;
                path.Append('M').Append(N(x)).Append(' ').Append(N(y - direction * s))
                    .Append('L').Append(N(x + s * 0.866)).Append(' ').Append(N(y + direction * s * 0.5))
                    .Append('L').Append(N(x - s * 0.866)).Append(' ').Append(N(y + direction * s * 0.5)).Append('Z');
                break;
            default: // diamond
                double d = radius * 1.25;
                path.Append('M').Append(N(x)).Append(' ').Append(N(y - d)).Append('L').Append(N(x + d)).Append(' ').Append(N(y))
                    .Append('L').Append(N(x)).Append(' ').Append(N(y + d)).Append('L').Append(N(x - d)).Append(' ').Append(N(y)).Append('Z');
                break;
        }
    }
}
