using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace MiniNet.Serialization;

/// <summary>One tensor as the header describes it: dtype name, shape, and its byte range after the header.</summary>
internal sealed record TensorEntry(string Name, string DType, ulong[] Shape, ulong Begin, ulong End)
{
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// The JSON header of a safetensors file: written byte for byte as the reference implementation writes it
/// (serde_json's compact form, padded with spaces to a multiple of 8), read with System.Text.Json and
/// checked as the reference reader checks it.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>The reference reader refuses longer headers (100 MB).</summary>
    public const ulong MaxLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    /// <summary>Bytes per element of every dtype the format defines (sub-byte ones have 0: MiniNet reads none of them).</summary>
    private static readonly Dictionary<string, int> s_dtypeSizes = new()
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["F8_E8M0"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["F64"] = 8, ["C64"] = 8, ["I64"] = 8, ["U64"] = 8,
        ["F4"] = 0, ["F6_E2M3"] = 0, ["F6_E3M2"] = 0,
    };

    public static string DTypeName(DType dtype) => dtype == DType.Float64 ? "F64" : "F32";

    /// <summary>Compares as Rust compares strings, byte by byte in UTF-8 (which is code-point order, unlike UTF-16 ordinal order).</summary>
    public static int CompareUtf8(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    /// <summary>
    /// The header for entries already in file order, in serde_json's compact form: <c>__metadata__</c> first
    /// (when given), then each tensor's <c>dtype</c>, <c>shape</c>, <c>data_offsets</c>; spaces pad it to a multiple of 8.
    /// </summary>
    public static byte[] Format(IReadOnlyList<TensorEntry> entries, IReadOnlyList<KeyValuePair<string, string>>? metadata)
    {
        var json = new StringBuilder("{");
        if (metadata is not null)
        {
            AppendString(json, MetadataKey).Append(":{");
            for (int i = 0; i < metadata.Count; i++)
            {
                if (i > 0) json.Append(',');
                AppendString(json, metadata[i].Key).Append(':');
                AppendString(json, metadata[i].Value);
            }
            json.Append('}');
            if (entries.Count > 0) json.Append(',');
        }
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (i > 0) json.Append(',');
            AppendString(json, entry.Name).Append(":{\"dtype\":");
            AppendString(json, entry.DType).Append(",\"shape\":[").AppendJoin(',', entry.Shape)
                .Append("],\"data_offsets\":[").Append(entry.Begin).Append(',').Append(entry.End).Append("]}");
        }
        json.Append('}');
        int length = Encoding.UTF8.GetByteCount(json.ToString());
        json.Append(' ', (8 - length % 8) % 8); // the reference aligns the data to 8 bytes
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>A JSON string as serde_json writes it: only <c>"</c>, <c>\</c> and control characters escaped, the rest as UTF-8.</summary>
    private static StringBuilder AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }
        return json.Append('"');
    }

    /// <summary>
    /// Parses and checks a header: UTF-8, JSON, an object of tensor entries (each with a known dtype, a
    /// shape of non-negative integers and two offsets) and optional string-to-string metadata; no name twice.
    /// Returns the entries in the order the header lists them.
    /// </summary>
    public static (List<TensorEntry> Entries, List<KeyValuePair<string, string>>? Metadata) Parse(byte[] header, Func<string, InvalidDataException> error)
    {
        if (!Utf8.IsValid(header)) throw error("the header is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw error($"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw error($"the header is a JSON {Kind(root)}, not an object of tensors");
            var entries = new List<TensorEntry>();
            List<KeyValuePair<string, string>>? metadata = null;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw error($"the header names '{property.Name}' twice");
                if (property.Name == MetadataKey) metadata = ParseMetadata(property.Value, error);
                else entries.Add(ParseEntry(property.Name, property.Value, error));
            }
            return (entries, metadata);
        }
    }

    /// <summary>The size in bytes of one element of <paramref name="dtype"/>: 0 for the sub-byte types, -1 for an unknown name.</summary>
    public static int ElementSize(string dtype) => s_dtypeSizes.TryGetValue(dtype, out int size) ? size : -1;

    private static TensorEntry ParseEntry(string name, JsonElement value, Func<string, InvalidDataException> error)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw error($"the entry of tensor '{name}' is a JSON {Kind(value)}, not an object with dtype, shape and data_offsets");
        string? dtype = null;
        ulong[]? shape = null, offsets = null;
        foreach (var field in value.EnumerateObject()) // other fields are ignored, as by the reference reader
        {
            switch (field.Name)
            {
                case "dtype":
                    if (dtype is not null) throw error($"tensor '{name}' gives its dtype twice");
                    if (field.Value.ValueKind != JsonValueKind.String) throw error($"the dtype of tensor '{name}' is a JSON {Kind(field.Value)}, not a string");
                    dtype = field.Value.GetString()!;
                    if (ElementSize(dtype) < 0) throw error($"tensor '{name}' has the unknown dtype '{dtype}'");
                    break;
                case "shape":
                    if (shape is not null) throw error($"tensor '{name}' gives its shape twice");
                    shape = ParseIntegers(field.Value, name, "shape", error);
                    break;
                case "data_offsets":
                    if (offsets is not null) throw error($"tensor '{name}' gives its data_offsets twice");
                    offsets = ParseIntegers(field.Value, name, "data_offsets", error);
                    if (offsets.Length != 2) throw error($"the data_offsets of tensor '{name}' hold {offsets.Length} numbers, not 2 (begin, end)");
                    break;
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw error($"the entry of tensor '{name}' lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}");
        return new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static ulong[] ParseIntegers(JsonElement value, string name, string field, Func<string, InvalidDataException> error)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw error($"the {field} of tensor '{name}' is a JSON {Kind(value)}, not an array of integers");
        var numbers = new ulong[value.GetArrayLength()];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetUInt64(out numbers[i++]))
                throw error($"the {field} of tensor '{name}' holds {item.GetRawText()}, which is not an integer in [0, 2⁶⁴)");
        }
        return numbers;
    }

    private static List<KeyValuePair<string, string>> ParseMetadata(JsonElement value, Func<string, InvalidDataException> error)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw error($"{MetadataKey} is a JSON {Kind(value)}; it must be an object mapping strings to strings");
        var metadata = new List<KeyValuePair<string, string>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw error($"{MetadataKey} maps '{item.Name}' to a JSON {Kind(item.Value)}; metadata values must be strings");
            if (!keys.Add(item.Name)) throw error($"{MetadataKey} names '{item.Name}' twice");
            metadata.Add(new(item.Name, item.Value.GetString()!));
        }
        return metadata;
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
