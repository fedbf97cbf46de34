using System.Globalization;

namespace MiniNet.Examples;

/// <summary>
/// A small command-line reader for the examples: <c>--name value</c> options (a list option takes every value
/// up to the next <c>--</c>), <c>--flag</c> switches, and a usage text. Unknown options and malformed values
/// are errors that say what was expected, so a typo never silently falls back to a default.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly string _usage;

    public CommandLine(string[] args, string usage)
    {
        _usage = usage;
        string? current = null;
        foreach (string arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                current = arg[2..];
                if (!_values.TryAdd(current, [])) throw Error($"option --{current} is given twice");
            }
            else if (current is null) throw Error($"unexpected argument '{arg}'");
            else _values[current].Add(arg);
        }
    }

    public bool Help => _values.ContainsKey("help") || _values.ContainsKey("h");

    public string Usage => _usage;

    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var values)) return false;
        if (values.Count > 0) throw Error($"--{name} takes no value");
        return true;
    }

    public string? String(string name) => Single(name);

    public string String(string name, string fallback) => Single(name) ?? fallback;

    public int Int(string name, int fallback, int min = int.MinValue)
    {
        var text = Single(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min)
            throw Error($"--{name} expects a whole number{(min > int.MinValue ? $" ≥ {min}" : "")}, got '{text}'");
        return value;
    }

    public double Double(string name, double fallback, double min = double.NegativeInfinity)
    {
        var text = Single(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value < min)
            throw Error($"--{name} expects a number{(min > double.NegativeInfinity ? $" ≥ {min}" : "")}, got '{text}'");
        return value;
    }

    public int[] Ints(string name, int[] fallback, int min = 1)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var values)) return fallback;
        if (values.Count == 0) throw Error($"--{name} expects one or more whole numbers");
        return values.Select(text =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min
                ? value
                : throw Error($"--{name} expects whole numbers ≥ {min}, got '{text}'")).ToArray();
    }

    public string Choice(string name, string fallback, params string[] choices)
    {
        var value = Single(name) ?? fallback;
        if (!choices.Contains(value, StringComparer.Ordinal))
            throw Error($"--{name} expects one of {string.Join(", ", choices)}, got '{value}'");
        return value;
    }

    /// <summary>Call after reading every option: any option the example does not know is an error.</summary>
    public void RejectUnknown()
    {
        foreach (var name in _values.Keys)
            if (!_read.Contains(name) && name is not ("help" or "h"))
                throw Error($"unknown option --{name}");
    }

    private string? Single(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var values)) return null;
        if (values.Count != 1) throw Error($"--{name} expects one value, got {values.Count}");
        return values[0];
    }

    private ArgumentException Error(string problem) => new($"{problem}.\n\n{_usage}");
}
