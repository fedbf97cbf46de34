using System.Globalization;
using System.Text;

namespace MiniNet.Reporting;

/// <summary>
/// Writes SVG 1.1 elements into a string: every number in one fixed invariant format and every piece of
/// text escaped, so that the same picture always gives the same bytes.
/// </summary>
internal sealed class SvgBuilder
{
    /// <summary>The font stack of every text element; widths are estimated for the first (the widest of them).</summary>
    public const string FontFamily = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

    private readonly StringBuilder _body = new();

    /// <summary>A coordinate or length with at most two decimals, "." as the separator and no negative zero.</summary>
    public static string Number(double value)
    {
        double rounded = Math.Round(value, 2, MidpointRounding.AwayFromZero);
        return rounded == 0 ? "0" : rounded.ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>Escapes text for an XML attribute or element (<c>&amp; &lt; &gt; " '</c>).</summary>
    /// <exception cref="ArgumentException">The text holds a control character, which XML 1.0 cannot represent.</exception>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&apos;"); break;
                case < ' ' or '\uFFFE' or '\uFFFF':
                    throw new ArgumentException(
                        $"SVG text \"{text.Replace(c, '?')}\" holds the control character U+{(int)c:X4} at position {i}; XML 1.0 cannot represent it.", nameof(text));
                default: escaped.Append(c); break;
            }
        }
        return escaped.ToString();
    }

    /// <summary>
    /// The approximate width in pixels of <paramref name="text"/> at <paramref name="fontSize"/>, from DejaVu Sans's
    /// advance widths by character class (it is wider than Arial and Helvetica, so the estimate errs on the roomy side).
    /// </summary>
    public static double TextWidth(string text, double fontSize)
    {
        double em = 0;
        foreach (char c in text)
        {
            em += c switch
            {
                'i' or 'l' or 'j' or '|' or '!' or '\'' => 0.28,
                ' ' or '.' or ',' or ':' or ';' => 0.32,
                'f' or 't' or 'r' or '(' or ')' or '[' or ']' or '/' or '\\' or '-' => 0.40,
                'm' or 'w' or '%' => 0.98,
                'M' or 'W' => 0.90,
                >= '0' and <= '9' => 0.64,
                >= 'a' and <= 'z' => 0.62,
                >= 'A' and <= 'Z' => 0.74,
                _ => 0.70,
            };
        }
        return em * fontSize;
    }

    /// <summary>Appends raw markup (already escaped).</summary>
    public SvgBuilder Raw(string markup)
    {
        _body.Append(markup);
        return this;
    }

    /// <summary>A straight line.</summary>
    public void Line(double x1, double y1, double x2, double y2, string stroke, double width, string? dash = null)
    {
        _body.Append("<line x1=\"").Append(Number(x1)).Append("\" y1=\"").Append(Number(y1))
            .Append("\" x2=\"").Append(Number(x2)).Append("\" y2=\"").Append(Number(y2))
            .Append("\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(Number(width)).Append('"');
        if (dash is not null) _body.Append(" stroke-dasharray=\"").Append(dash).Append('"');
        _body.Append("/>\n");
    }

    /// <summary>A rectangle; <paramref name="stroke"/> null draws no outline.</summary>
    public void Rect(double x, double y, double width, double height, string fill, string? stroke = null, double strokeWidth = 1, double fillOpacity = 1)
    {
        _body.Append("<rect x=\"").Append(Number(x)).Append("\" y=\"").Append(Number(y))
            .Append("\" width=\"").Append(Number(width)).Append("\" height=\"").Append(Number(height))
            .Append("\" fill=\"").Append(fill).Append('"');
        if (fillOpacity < 1) _body.Append(" fill-opacity=\"").Append(Number(fillOpacity)).Append('"');
        if (stroke is not null) _body.Append(" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(Number(strokeWidth)).Append('"');
        _body.Append("/>\n");
    }

    /// <summary>
    /// A line of text whose baseline is at <paramref name="y"/>; <paramref name="anchor"/> is SVG's text-anchor
    /// (start, middle, end); <paramref name="rotate"/> turns it (in degrees) about its anchor point.
    /// </summary>
    public void Text(double x, double y, string text, double fontSize, string anchor = "start", string fill = "#222222",
        bool bold = false, double rotate = 0)
    {
        _body.Append("<text x=\"").Append(Number(x)).Append("\" y=\"").Append(Number(y))
            .Append("\" font-size=\"").Append(Number(fontSize)).Append('"');
        if (anchor != "start") _body.Append(" text-anchor=\"").Append(anchor).Append('"');
        if (fill != "#222222") _body.Append(" fill=\"").Append(fill).Append('"');
        if (bold) _body.Append(" font-weight=\"bold\"");
        if (rotate != 0)
            _body.Append(" transform=\"rotate(").Append(Number(rotate)).Append(' ').Append(Number(x)).Append(' ').Append(Number(y)).Append(")\"");
        _body.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    /// <summary>An unfilled path (<paramref name="data"/> is its <c>d</c> attribute) with round joins and caps.</summary>
    public void Path(string data, string stroke, double width, string? clipId = null)
    {
        _body.Append("<path d=\"").Append(data).Append("\" fill=\"none\" stroke=\"").Append(stroke)
            .Append("\" stroke-width=\"").Append(Number(width)).Append("\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
        if (clipId is not null) _body.Append(" clip-path=\"url(#").Append(clipId).Append(")\"");
        _body.Append("/>\n");
    }

    /// <summary>A filled path (markers), outlined in <paramref name="stroke"/>.</summary>
    public void FilledPath(string data, string fill, string stroke, double strokeWidth, string? clipId = null)
    {
        _body.Append("<path d=\"").Append(data).Append("\" fill=\"").Append(fill).Append("\" stroke=\"").Append(stroke)
            .Append("\" stroke-width=\"").Append(Number(strokeWidth)).Append('"');
        if (clipId is not null) _body.Append(" clip-path=\"url(#").Append(clipId).Append(")\"");
        _body.Append("/>\n");
    }

    /// <summary>Declares a rectangular clip path that later elements refer to by <paramref name="id"/>.</summary>
    public void ClipRect(string id, double x, double y, double width, double height)
    {
        _body.Append("<clipPath id=\"").Append(id).Append("\"><rect x=\"").Append(Number(x)).Append("\" y=\"").Append(Number(y))
            .Append("\" width=\"").Append(Number(width)).Append("\" height=\"").Append(Number(height)).Append("\"/></clipPath>\n");
    }

    /// <summary>Opens a group shifted by (<paramref name="dx"/>, <paramref name="dy"/>); close it with <see cref="EndGroup"/>.</summary>
    public void BeginGroup(double dx, double dy, string? clipId = null)
    {
        _body.Append("<g");
        if (dx != 0 || dy != 0) _body.Append(" transform=\"translate(").Append(Number(dx)).Append(' ').Append(Number(dy)).Append(")\"");
        if (clipId is not null) _body.Append(" clip-path=\"url(#").Append(clipId).Append(")\"");
        _body.Append(">\n");
    }

    /// <summary>Closes the group <see cref="BeginGroup"/> opened.</summary>
    public void EndGroup() => _body.Append("</g>\n");

    /// <summary>Writes an SVG document to <paramref name="path"/> as UTF-8 without a byte-order mark, replacing any file there.</summary>
    public static void Save(string path, string document)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, document, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>The complete document: XML declaration, the <c>svg</c> root with its <c>viewBox</c>, a title, a white background, the body.</summary>
    public string ToDocument(double width, double height, string title)
    {
        string w = Number(width), h = Number(height);
        var document = new StringBuilder(_body.Length + 512);
        document.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .Append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").Append(w).Append("\" height=\"").Append(h)
            .Append("\" viewBox=\"0 0 ").Append(w).Append(' ').Append(h).Append("\" font-family=\"").Append(FontFamily).Append("\">\n")
            .Append("<title>").Append(Escape(title)).Append("</title>\n")
            .Append("<rect width=\"").Append(w).Append("\" height=\"").Append(h).Append("\" fill=\"#ffffff\"/>\n")
            .Append(_body)
            .Append("</svg>\n");
        return document.ToString();
    }
}
