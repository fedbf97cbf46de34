namespace MiniNet;

/// <summary>
/// Keeps error messages short whatever the input: a list shows its first few items and counts the rest
/// ("'a', 'b', 'c' and 997 more"), and text taken from a file is cut to a readable length. A message names
/// what is wrong and stops: a million-entry file must not make a ten-million-character error.
/// </summary>
internal static class MessageText
{
    /// <summary>How many items a list in a message shows before "and N more".</summary>
    public const int ItemsShown = 10;

    /// <summary>How many characters of a name or value from a file a message shows.</summary>
    public const int CharactersShown = 100;

    /// <summary>The items joined with ", ", the first <paramref name="shown"/> of them, then "and N more".</summary>
    public static string List(IReadOnlyCollection<string> items, int shown = ItemsShown, string separator = ", ")
    {
        if (items.Count <= shown) return string.Join(separator, items);
        return string.Join(separator, items.Take(shown)) + $" and {items.Count - shown:N0} more";
    }

    /// <summary>
    /// <paramref name="text"/> in single quotes, cut after <see cref="CharactersShown"/> characters (never inside a
    /// surrogate pair) with an ellipsis and its full length: <c>'abc…' (1,000,000 characters)</c>.
    /// </summary>
    public static string Quote(string text) =>
        text.Length <= CharactersShown ? $"'{text}'" : $"'{Head(text)}…' ({text.Length:N0} characters)";

    /// <summary>As <see cref="Quote"/>, without the quotes: for a number as a file writes it.</summary>
    public static string Bare(string text) =>
        text.Length <= CharactersShown ? text : $"{Head(text)}… ({text.Length:N0} characters)";

    /// <summary>An ArgumentException's message as a clause inside another message: without " (Parameter 'x')" and the final period.</summary>
    public static string Reason(ArgumentException e)
    {
        string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
        return message.TrimEnd('.');
    }

    private static string Head(string text)
    {
        int cut = CharactersShown;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut];
    }

    /// <summary>A double as Python's <c>repr</c> writes it, for descriptions in PyTorch's style: 1e-05, 0.001, 1.0.</summary>
    public static string PythonFloat(double value)
    {
        string text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal) ? text : text + ".0";
    }
}
