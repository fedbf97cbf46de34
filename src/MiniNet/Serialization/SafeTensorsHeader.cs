using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace MiniNet.Serialization;

/// <summary>One tensor as the header describes it: dtype name, shape, and its byte range after the header.</summary>
internal sealed record TensorEntry(string Name, string DType, ulong[] Shape, ulong Begin, ulong End)
{
    /// <summary>The shape as messages show it: <c>[2, 3]</c>, its first dimensions only when there are many.</summary>
    public string ShapeText => Shape.Length <= MessageText.ItemsShown
        ? "[" + string.Join(", ", Shape) + "]"
        : "[" + string.Join(", ", Shape.Take(MessageText.ItemsShown)) + $", … ({Shape.Length:N0} dimensions)]";

    /// <summary>The tensor as messages name it: <c>tensor 'name'</c>.</summary>
    public string Label => $"tensor {MessageText.Quote(Name)}";
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

    /// <summary>
    /// The most tensors MiniNet reads from one file. An entry takes at least 46 bytes of JSON, so a 100 MB header
    /// could list two million, each costing far more memory as a tensor than as text; real files list a few
    /// thousand at most (large models are saved in shards).
    /// </summary>
    public const int MaxTensorCount = 100_000;

    /// <summary>The most metadata entries MiniNet reads (files hold a handful, such as <c>"format": "pt"</c>).</summary>
    public const int MaxMetadataCount = 100_000;

    /// <summary>The most dimensions a tensor may have, as in NumPy.</summary>
    public const int MaxRank = 64;

    /// <summary>How deeply the header's JSON may nest; a well-formed header nests three levels.</summary>
    private const int MaxDepth = 64;

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

    private static readonly (byte[] Utf8, string Name)[] s_dtypeNames = s_dtypeSizes.Keys.Select(name => (Encoding.ASCII.GetBytes(name), name)).ToArray();

    public static string DTypeName(DType dtype) => dtype == DType.Float64 ? "F64" : "F32";

    /// <summary>The dtype a tensor is written as: I64 for an integer-valued one, else its own.</summary>
    public static string DTypeName(Tensor tensor) => tensor.IsIntegerValued ? "I64" : DTypeName(tensor.DType);

    /// <summary>Where the reference writer's descending dtype order puts a tensor: I64, then F64, then F32.</summary>
    public static int WriteRank(Tensor tensor) => tensor.IsIntegerValued ? 2 : tensor.DType == DType.Float64 ? 1 : 0;

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
    /// shape of non-negative integers and two offsets) and optional string-to-string metadata; no name twice,
    /// no text that is not Unicode (a lone surrogate escape such as <c>\ud800</c>), at most
    /// <see cref="MaxTensorCount"/> tensors, <see cref="MaxMetadataCount"/> metadata entries and <see cref="MaxRank"/>
    /// dimensions each. Returns the entries in the order the header lists them. Read as a stream of tokens, so
    /// that the memory it takes stays a small multiple of the header's length.
    /// </summary>
    public static (List<TensorEntry> Entries, List<KeyValuePair<string, string>>? Metadata) Parse(byte[] header, Refusal refuse)
    {
        if (!Utf8.IsValid(header)) throw refuse($"the header is not valid UTF-8 ({DescribeInvalidUtf8(header)})");
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                throw refuse($"the header is a JSON {Kind(reader.TokenType)}, not an object of tensors");
            var entries = new List<TensorEntry>();
            List<KeyValuePair<string, string>>? metadata = null;
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = ReadText(ref reader, refuse, "a name");
                if (!names.Add(name)) throw refuse($"the header names {MessageText.Quote(name)} twice");
                reader.Read();
                if (name == MetadataKey)
                {
                    metadata = ParseMetadata(ref reader, refuse);
                    continue;
                }
                if (entries.Count == MaxTensorCount)
                    throw refuse($"the header lists more than {MaxTensorCount:N0} tensors, the most MiniNet reads from one file (a model saved in shards has a few thousand per file)");
                entries.Add(ParseEntry(ref reader, name, refuse));
            }
            while (reader.Read()) { } // only padding may follow the object: the reader refuses anything else
            return (entries, metadata);
        }
        catch (JsonException e)
        {
            throw refuse($"the header is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>The size in bytes of one element of <paramref name="dtype"/>: 0 for the sub-byte types, -1 for an unknown name.</summary>
    public static int ElementSize(string dtype) => s_dtypeSizes.TryGetValue(dtype, out int size) ? size : -1;

    private static TensorEntry ParseEntry(ref Utf8JsonReader reader, string name, Refusal refuse)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw refuse($"the entry of {Label(name)} is a JSON {Kind(reader.TokenType)}, not an object with dtype, shape and data_offsets");
        string? dtype = null;
        ulong[]? shape = null, offsets = null;
        Span<ulong> numbers = stackalloc ulong[MaxRank];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Fields are matched as UTF-8, not decoded: a header of many entries would otherwise make three strings each.
            if (TextEquals(ref reader, "dtype"u8))
            {
                reader.Read();
                if (dtype is not null) throw refuse($"{Label(name)} gives its dtype twice");
                if (reader.TokenType != JsonTokenType.String) throw refuse($"the dtype of {Label(name)} is a JSON {Kind(reader.TokenType)}, not a string");
                dtype = KnownDType(ref reader);
                if (dtype is null)
                    throw refuse($"{Label(name)} has the unknown dtype {MessageText.Quote(ReadText(ref reader, refuse, "the dtype of " + Label(name)))}");
            }
            else if (TextEquals(ref reader, "shape"u8))
            {
                reader.Read();
                if (shape is not null) throw refuse($"{Label(name)} gives its shape twice");
                int rank = ParseIntegers(ref reader, name, "shape", numbers, refuse);
                if (rank > MaxRank) throw refuse($"the shape of {Label(name)} has {rank:N0} dimensions; MiniNet reads at most {MaxRank}, as NumPy");
                shape = numbers[..rank].ToArray();
            }
            else if (TextEquals(ref reader, "data_offsets"u8))
            {
                reader.Read();
                if (offsets is not null) throw refuse($"{Label(name)} gives its data_offsets twice");
                int count = ParseIntegers(ref reader, name, "data_offsets", numbers, refuse);
                if (count != 2) throw refuse($"the data_offsets of {Label(name)} hold {count:N0} numbers, not 2 (begin, end)");
                offsets = numbers[..2].ToArray();
            }
            else
            {
                ReadText(ref reader, refuse, "a field name of " + Label(name)); // must be text, though the field is ignored
                reader.Read();
                reader.Skip(); // other fields are ignored, as by the reference reader
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw refuse($"the entry of {Label(name)} lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}");
        return new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /// <summary>The tensor as messages name it: <c>tensor 'name'</c>.</summary>
    private static string Label(string name) => $"tensor {MessageText.Quote(name)}";

    /// <summary>The dtype the current string names, as one of the format's names (no new string), or null if it names none.</summary>
    private static string? KnownDType(ref Utf8JsonReader reader)
    {
        foreach (var (utf8, name) in s_dtypeNames)
            if (TextEquals(ref reader, utf8)) return name;
        return null;
    }

    /// <summary>Whether the current string is <paramref name="utf8"/>; false for text that is not Unicode, which <see cref="ReadText"/> then refuses.</summary>
    private static bool TextEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        try
        {
            return reader.ValueTextEquals(utf8);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// An array of integers in [0, 2⁶⁴), the first of them (as many as fit) into <paramref name="into"/>; returns how
    /// many there are, which may be more.
    /// </summary>
    private static int ParseIntegers(ref Utf8JsonReader reader, string name, string field, scoped Span<ulong> into, Refusal refuse)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw refuse($"the {field} of {Label(name)} is a JSON {Kind(reader.TokenType)}, not an array of integers");
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong number))
                throw refuse($"the {field} of {Label(name)} holds {Token(ref reader)}, which is not an integer in [0, 2⁶⁴)");
            if (count < into.Length) into[count] = number;
            count++;
        }
        return count;
    }

    private static List<KeyValuePair<string, string>> ParseMetadata(ref Utf8JsonReader reader, Refusal refuse)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw refuse($"{MetadataKey} is a JSON {Kind(reader.TokenType)}; it must be an object mapping strings to strings");
        var metadata = new List<KeyValuePair<string, string>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = ReadText(ref reader, refuse, $"a key of {MetadataKey}");
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw refuse($"{MetadataKey} maps {MessageText.Quote(key)} to a JSON {Kind(reader.TokenType)}; metadata values must be strings");
            if (!keys.Add(key)) throw refuse($"{MetadataKey} names {MessageText.Quote(key)} twice");
            if (metadata.Count == MaxMetadataCount)
                throw refuse($"{MetadataKey} holds more than {MaxMetadataCount:N0} entries, the most MiniNet reads");
            metadata.Add(new(key, ReadText(ref reader, refuse, $"the value of {MetadataKey}", key)));
        }
        return metadata;
    }

    /// <summary>
    /// A string token's text. JSON lets an escape name half of a surrogate pair (<c>\ud800</c>) alone, which is
    /// no Unicode text at all: the reference reader refuses it, and so does this one, showing the text as written.
    /// <paramref name="what"/> (and <paramref name="key"/>, quoted after it) say what the text is, in the message.
    /// </summary>
    private static string ReadText(ref Utf8JsonReader reader, Refusal refuse, string what, string? key = null)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            string written = Encoding.UTF8.GetString(reader.ValueSpan);
            string subject = key is null ? what : $"{what} {MessageText.Quote(key)}";
            throw refuse($"{subject}, {MessageText.Quote(written)}, is not valid Unicode: it holds an escaped lone surrogate (\\ud800–\\udfff without its pair)", e);
        }
    }

    /// <summary>The current token as a message shows it: a number or string as written, anything else by its kind.</summary>
    private static string Token(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => MessageText.Bare(Encoding.UTF8.GetString(reader.ValueSpan)),
        JsonTokenType.String => "the string " + MessageText.Quote(Encoding.UTF8.GetString(reader.ValueSpan)),
        var kind => "a JSON " + Kind(kind),
    };

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => token.ToString().ToLowerInvariant(),
    };

    /// <summary>Where the first byte that is not UTF-8 is, for the message.</summary>
    private static string DescribeInvalidUtf8(byte[] header)
    {
        var rest = header.AsSpan();
        while (Rune.DecodeFromUtf8(rest, out _, out int consumed) == OperationStatus.Done) rest = rest[consumed..];
        int offset = header.Length - rest.Length;
        return $"byte {offset:N0} of the header is 0x{header[offset]:X2}";
    }
}

/// <summary>Makes the refusal of a malformed file: the message names the file; <paramref name="problem"/> says what is wrong.</summary>
internal delegate InvalidDataException Refusal(string problem, Exception? inner = null);
