using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MiniNet.Serialization;
using MiniNet.Tests.Fuzzing;
using Xunit.Abstractions;

namespace MiniNet.Tests.Serialization;

/// <summary>
/// Seeded fuzzing of the safetensors reader: files written by <see cref="SafeTensors.Save(string, IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, string}?)"/>
/// and headers written field by field with the faults a fuzzer should try (huge, negative, fractional, nested and
/// 65-long shapes; an empty tensor of huge dimensions; overlapping, swapped, out-of-range and extra data offsets;
/// unknown and non-string dtypes; duplicate names and metadata keys; lone surrogate escapes; invalid UTF-8;
/// deeply nested JSON; wrong header lengths; garbage padding), then mutated at the byte level (bit flips,
/// interesting values, truncations, insertions, deletions, overlapping copies). Every outcome must be a load that
/// an independent reading (System.Text.Json's JsonDocument and the bytes at each entry's offsets) agrees with,
/// or an <see cref="InvalidDataException"/> naming the file; never another exception type; and no load may
/// allocate more than a bound tied to the file's size.
/// </summary>
/// <remarks>
/// The suite runs 4,000 mutations (under a second). A nightly run can run more and vary the seed:
/// <c>MININET_FUZZ_ITERATIONS=200000 MININET_FUZZ_SEED=7 dotnet test -c Release --filter FullyQualifiedName~FuzzTests</c>.
/// A failure names the seed and the iteration, which reproduce it alone.
/// </remarks>
public class SafeTensorsFuzzTests(ITestOutputHelper output)
{
    private const int InSuiteIterations = 4_000;

    [Fact]
    public void Every_mutated_safetensors_file_loads_as_an_independent_reading_agrees_or_is_refused_naming_it()
    {
        int seed = Mutator.Seed(20240917), iterations = Mutator.Iterations(InSuiteIterations);
        var outcomes = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            var mutator = new Mutator(unchecked(seed * 1_000_003 + i));
            var (file, how) = MakeCase(mutator);
            string outcome = Check(file, $"seed {seed}, iteration {i}, {how}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine($"{iterations:N0} mutations in {clock.Elapsed.TotalSeconds:F1} s (seed {seed}):");
        foreach (var (outcome, count) in outcomes.OrderByDescending(p => p.Value).Take(30)) output.WriteLine($"{count,7:N0}  {outcome}");
        Assert.True(outcomes.GetValueOrDefault("loaded") > iterations / 20, "too few mutations load: the fuzzer is not reaching the data paths");
    }

    private static string Check(byte[] file, string what)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        SafeTensorsFile? loaded = null;
        InvalidDataException? refusal = null;
        try
        {
            loaded = SafeTensors.Load(new MemoryStream(file), "fuzz.safetensors");
        }
        catch (InvalidDataException e)
        {
            refusal = e;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name} is not InvalidDataException: {e}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The header, its entries (an entry takes at least 46 bytes of JSON and a few hundred as objects), the
        // tensors' data (which the file must hold) and a fixed overhead (the stream's buffer).
        long bound = (1L << 20) + 16L * file.Length;
        Assert.True(allocated <= bound, $"{what}: loading {file.Length:N0} bytes allocated {allocated:N0} (bound {bound:N0})");

        if (refusal is not null)
        {
            Assert.True(refusal.Message.StartsWith("Safetensors file 'fuzz.safetensors': ", StringComparison.Ordinal),
                $"{what}: the message does not name the file: {refusal.Message}");
            Assert.True(refusal.Message.Length < 2_000, $"{what}: a {refusal.Message.Length:N0}-character message");
            return Summarise(refusal.Message);
        }
        AgreesWithAnIndependentReading(file, loaded!, what);
        return "loaded";
    }

    /// <summary>
    /// What JsonDocument reads in the header, and the bytes at each entry's offsets, are what MiniNet loaded: the
    /// same names, dtypes, shapes, values bit for bit, and metadata. (MiniNet may refuse what JsonDocument accepts —
    /// lone surrogates, too many tensors — never the other way round.)
    /// </summary>
    private static void AgreesWithAnIndependentReading(byte[] file, SafeTensorsFile loaded, string what)
    {
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            Assert.Fail($"{what}: MiniNet loaded a header that JsonDocument refuses: {e.Message}");
            return;
        }
        using (document)
        {
            int tensors = 0;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    var expected = property.Value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
                    Assert.True(loaded.Metadata is not null && expected.Count == loaded.Metadata.Count
                        && expected.All(p => loaded.Metadata.TryGetValue(p.Key, out var v) && v == p.Value), $"{what}: the metadata differs");
                    continue;
                }
                tensors++;
                Assert.True(loaded.Tensors.TryGetValue(property.Name, out var tensor), $"{what}: '{property.Name}' is in the header but was not loaded");
                string dtype = property.Value.GetProperty("dtype").GetString()!;
                var shape = property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                Assert.Equal(dtype == "F32" ? DType.Float32 : DType.Float64, tensor!.DType); // I64 is read as integer-valued float64
                Assert.Equal(dtype == "I64", tensor.IsIntegerValued);
                Assert.Equal(shape, tensor.Shape.ToArray());
                var bytes = file.AsSpan(8 + (int)headerLength + (int)offsets[0], (int)(offsets[1] - offsets[0]));
                var values = dtype switch
                {
                    "F32" => tensor.ToArray<float>().SelectMany(BitConverter.GetBytes).ToArray(),
                    "I64" => tensor.ToArray<double>().SelectMany(v => BitConverter.GetBytes((long)v)).ToArray(),
                    _ => tensor.ToArray<double>().SelectMany(BitConverter.GetBytes).ToArray(),
                };
                Assert.True(bytes.SequenceEqual(values), $"{what}: the values of '{property.Name}' are not the file's bytes");
            }
            Assert.Equal(tensors, loaded.Tensors.Count);
        }
    }

    private static string Summarise(string message)
    {
        string reason = message["Safetensors file 'fuzz.safetensors': ".Length..];
        reason = System.Text.RegularExpressions.Regex.Replace(reason, @"'[^']*'", "'…'");
        reason = System.Text.RegularExpressions.Regex.Replace(reason, @"[0-9][0-9,]*", "#");
        int cut = reason.IndexOfAny([':', '(', ';']);
        return (cut > 0 ? reason[..cut] : reason).Trim();
    }

    // ---- the cases ----

    private static (byte[] File, string How) MakeCase(Mutator mutator)
    {
        var random = mutator.Random;
        var (file, how) = random.Next(4) == 0 ? (s_saved.Value[random.Next(s_saved.Value.Length)], "saved") : Written(random);
        if (random.Next(3) > 0) return (file, how);
        return (mutator.Mutate(file), how + ", bytes mutated");
    }

    // Files SafeTensors.Save wrote, made once: a save flushes to the disk, too slow to repeat thousands of times.
    private static readonly Lazy<byte[][]> s_saved = new(() =>
    {
        var random = new System.Random(5);
        return Enumerable.Range(0, 32).Select(_ => Saved(random)).ToArray();
    });

    /// <summary>A file SafeTensors.Save writes: a few tensors of either dtype, some empty or scalar, and sometimes metadata.</summary>
    private static byte[] Saved(System.Random random)
    {
        var tensors = new Dictionary<string, Tensor>();
        int count = random.Next(5);
        for (int t = 0; t < count; t++)
        {
            int[] shape = random.Next(4) switch { 0 => [], 1 => [random.Next(6)], 2 => [random.Next(4), random.Next(4)], _ => [2, 0, random.Next(3)] };
            var tensor = Tensor.Randn(shape, seed: (ulong)random.Next());
            tensors[Names[random.Next(Names.Length)] + t] = random.Next(2) == 0 ? tensor : tensor.To(DType.Float64);
        }
        var metadata = random.Next(2) == 0 ? null : new Dictionary<string, string> { ["format"] = "pt", ["note"] = Names[random.Next(Names.Length)] };
        string path = Path.Combine(Path.GetTempPath(), $"mininet-fuzz-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}.safetensors");
        try
        {
            SafeTensors.Save(path, tensors, metadata);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static readonly string[] Names = ["w", "0.weight", "layers.2.bias", "π", "权重", "🙂", "a\"quote", "tab\t", "", "__metadata__x"];

    private static readonly string[] DTypes = ["F32", "F64", "F32", "F64", "F16", "BF16", "I64", "U8", "BOOL", "F4", "F31", "", "f32"];

    /// <summary>One entry as a header lists it, before it is written as JSON.</summary>
    private sealed record Entry(string Name, string DType, string Shape, string Offsets, int Bytes, string Extra);

    /// <summary>
    /// A header written field by field: a few entries with their data in order, each possibly given one fault, and
    /// sometimes metadata, a deeply nested ignored field, another format's separators, or a wrong length or padding.
    /// </summary>
    private static (byte[] File, string How) Written(System.Random random)
    {
        var faults = new List<string>();
        var entries = new List<Entry>();
        int count = random.Next(5), offset = 0;
        for (int t = 0; t < count; t++)
        {
            string dtype = random.Next(4) == 0 ? DTypes[random.Next(DTypes.Length)] : random.Next(2) == 0 ? "F32" : "F64";
            int size = dtype switch { "F64" or "I64" => 8, "F32" => 4, "F16" or "BF16" => 2, "U8" or "BOOL" => 1, _ => 0 };
            var dims = Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(5)).ToArray();
            int bytes = dims.Aggregate(1, (a, b) => a * b) * size;
            string name = Names[random.Next(Names.Length)] + (random.Next(5) == 0 ? "" : t.ToString(CultureInfo.InvariantCulture));
            var entry = new Entry(Json(name), Json(dtype), "[" + string.Join(",", dims) + "]", $"[{offset},{offset + bytes}]", bytes, "");
            if (random.Next(3) == 0) entry = Fault(entry, random, offset, faults);
            entries.Add(entry);
            offset += entry.Bytes;
        }
        if (entries.Count > 1 && random.Next(8) == 0)
        {
            (entries[0], entries[^1]) = (entries[^1], entries[0]); // the data out of the header's order
            faults.Add("entries reordered");
        }
        var parts = entries.Select(e => $"{e.Name}:{{\"dtype\":{e.DType},\"shape\":{e.Shape},\"data_offsets\":{e.Offsets}{e.Extra}}}").ToList();
        if (random.Next(4) == 0)
        {
            string value = random.Next(6) switch { 0 => "10", 1 => "\"\\udc00\"", 2 => "{}", _ => "\"pt\"" };
            string key = random.Next(6) == 0 ? "\"\\ud800\"" : "\"format\"";
            parts.Insert(random.Next(parts.Count + 1), $"\"__metadata__\":{{{key}:{value}{(random.Next(6) == 0 ? $",{key}:\"x\"" : "")}}}");
            faults.Add("metadata");
        }
        string separator = random.Next(4) == 0 ? ", " : ",";
        var header = Encoding.UTF8.GetBytes("{" + string.Join(separator, parts) + "}");
        if (random.Next(10) == 0)
        {
            byte[][] invalid = [[0xC3, 0x28], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]];
            int at = random.Next(header.Length + 1);
            header = [.. header[..at], .. invalid[random.Next(invalid.Length)], .. header[at..]];
            faults.Add("invalid UTF-8");
        }
        int padding = random.Next(3) == 0 ? 0 : (8 - header.Length % 8) % 8;
        byte pad = random.Next(12) == 0 ? (byte)'x' : random.Next(12) == 0 ? (byte)0 : (byte)' ';
        header = [.. header, .. Enumerable.Repeat(pad, padding)];
        ulong length = (ulong)header.Length;
        if (random.Next(12) == 0)
        {
            length = random.Next(4) switch { 0 => length + 1, 1 => length - 1, 2 => length + 8, _ => ulong.MaxValue - (ulong)random.Next(3) };
            faults.Add("header length");
        }
        var data = new byte[offset + (random.Next(12) == 0 ? random.Next(-3, 4) : 0) is var n && n > 0 ? n : 0];
        random.NextBytes(data);
        return ([.. BitConverter.GetBytes(length), .. header, .. data], "written" + (faults.Count > 0 ? $" ({string.Join(", ", faults)})" : ""));
    }

    /// <summary>One fault in an entry: its name, dtype, shape, offsets or an extra field.</summary>
    private static Entry Fault(Entry entry, System.Random random, int offset, List<string> faults)
    {
        switch (random.Next(12))
        {
            case 0:
                faults.Add("lone surrogate in a name");
                return entry with { Name = random.Next(2) == 0 ? "\"w\\ud800\"" : "\"\\udfff\"" };
            case 1:
                faults.Add("surrogate pair in a name");
                return entry with { Name = "\"\\ud83d\\ude00\"" };
            case 2:
                faults.Add("dtype not a string");
                return entry with { DType = random.Next(2) == 0 ? "32" : "null" };
            case 3:
            {
                string[] shapes = ["[-1]", "[1.5]", "[[1]]", "[\"1\"]", "[4294967296,4294967296]", "[18446744073709551615]",
                    "[2147483647,2147483647,0]", "[4294967296,0]", "[65536,65536]", "[" + string.Join(",", Enumerable.Repeat(1, 65)) + "]", "[]", "{}"];
                string shape = shapes[random.Next(shapes.Length)];
                faults.Add("shape " + (shape.Length > 30 ? "of 65 dimensions" : shape));
                return entry with { Shape = shape };
            }
            case 4:
                faults.Add("offsets overlap");
                return entry with { Offsets = $"[{Math.Max(0, offset - 4)},{offset + entry.Bytes}]" };
            case 5:
                faults.Add("offsets swapped");
                return entry with { Offsets = $"[{offset + entry.Bytes},{offset}]" };
            case 6:
                faults.Add("offsets out of range");
                return entry with { Offsets = $"[{offset},{offset + entry.Bytes + 1_000_000}]" };
            case 7:
                faults.Add("three offsets");
                return entry with { Offsets = $"[{offset},{offset + entry.Bytes},{offset}]" };
            case 8:
                faults.Add("negative offset");
                return entry with { Offsets = $"[-4,{offset + entry.Bytes}]" };
            case 9:
            {
                int depth = 1 + random.Next(200);
                faults.Add($"nested {depth} deep");
                return entry with { Extra = ",\"x\":" + new string('[', depth) + new string(']', depth) };
            }
            case 10:
                faults.Add("a field twice");
                return entry with { Extra = random.Next(2) == 0 ? $",\"dtype\":{entry.DType}" : $",\"shape\":{entry.Shape}" };
            default:
                faults.Add("extra field");
                return entry with { Extra = ",\"note\":{\"a\":[1,2,{\"b\":null}]}" };
        }
    }

    /// <summary>A JSON string for <paramref name="text"/>, with its quotes.</summary>
    private static string Json(string text) => JsonSerializer.Serialize(text);
}
