using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using MiniNet.Data;
using MiniNet.Tests.Fuzzing;
using Xunit.Abstractions;

namespace MiniNet.Tests.Data;

/// <summary>
/// Seeded fuzzing of <see cref="IdxFile.Read(Stream, string)"/>: valid IDX files of every element type and rank,
/// raw and gzip (one or several members, with optional header fields), mutated at the byte level (bit flips,
/// interesting values, truncations, insertions, deletions, overlapping copies, garbage), in their IDX header
/// fields (type code, rank, dimensions: zero, huge, 2³²−1, one off) and in their gzip framing (flags, header CRC,
/// trailer CRC and length, members cut, joined and padded), each read from a seekable and a forward-only stream.
/// Every outcome must be a load that an independent decoder (System.IO.Compression's GZipStream and a plain
/// IDX parser) agrees with element for element, or an <see cref="InvalidDataException"/> naming the data; never
/// another exception type; and no read may allocate more than a bound tied to the size of its input.
/// </summary>
/// <remarks>
/// The suite runs 4,000 mutations, each read both ways (under a second). A nightly run can run more and vary the seed:
/// <c>MININET_FUZZ_ITERATIONS=200000 MININET_FUZZ_SEED=7 dotnet test -c Release --filter FullyQualifiedName~FuzzTests</c>.
/// A failure names the seed and the iteration, which reproduce it alone.
/// </remarks>
public class IdxFuzzTests(ITestOutputHelper output)
{
    private const int InSuiteIterations = 4_000;

    [Fact]
    public void Every_mutated_IDX_file_loads_as_an_independent_decoder_reads_it_or_is_refused_naming_it()
    {
        int seed = Mutator.Seed(20240917), iterations = Mutator.Iterations(InSuiteIterations);
        var outcomes = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            var mutator = new Mutator(unchecked(seed * 1_000_003 + i));
            var (file, how) = MakeCase(mutator);
            foreach (bool seekable in new[] { true, false })
            {
                string outcome = Check(file, seekable, $"seed {seed}, iteration {i}, {how}, {(seekable ? "seekable" : "forward-only")}");
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }
        output.WriteLine($"{iterations:N0} mutations, {2 * iterations:N0} reads in {clock.Elapsed.TotalSeconds:F1} s (seed {seed}):");
        foreach (var (outcome, count) in outcomes.OrderByDescending(p => p.Value).Take(25)) output.WriteLine($"{count,7:N0}  {outcome}");
        Assert.True(outcomes.GetValueOrDefault("loaded") > iterations / 20, "too few mutations load: the fuzzer is not reaching the data paths");
    }

    /// <summary>Reads one case and checks its outcome; returns a short description of the outcome for the tally.</summary>
    private static string Check(byte[] file, bool seekable, string what)
    {
        Stream stream = seekable ? new MemoryStream(file) : new IdxFileTests.ForwardOnlyStream(file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        IdxArray? array = null;
        InvalidDataException? refusal = null;
        try
        {
            array = IdxFile.Read(stream, "fuzz.gz");
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
        // The reader's own buffers (the first growth step, the gzip input, the trailing-byte probe) plus the data,
        // which the bytes there can hold: deflate expands at most 1032-fold, and a growing buffer may double.
        long bound = (3L << 20) + 2 * 1032L * file.Length;
        Assert.True(allocated <= bound, $"{what}: reading {file.Length:N0} bytes allocated {allocated:N0} (bound {bound:N0})");

        var expected = Oracle(file);
        if (refusal is not null)
        {
            Assert.True(refusal.Message.StartsWith("IDX file 'fuzz.gz': ", StringComparison.Ordinal), $"{what}: the message does not name the data: {refusal.Message}");
            Assert.True(refusal.Message.Length < 2_000, $"{what}: a {refusal.Message.Length:N0}-character message");
            return Summarise(refusal.Message);
        }
        Assert.True(expected is not null, $"{what}: MiniNet loaded data that an independent decoder refuses");
        Assert.Equal(expected!.Value.Type, array!.ElementType);
        Assert.Equal(expected.Value.Dimensions, array.Shape.ToArray());
        for (int e = 0; e < array.ElementCount; e++)
            if (BitConverter.DoubleToInt64Bits(array.GetValue(e)) != BitConverter.DoubleToInt64Bits(expected.Value.Values[e])
                && !(double.IsNaN(array.GetValue(e)) && double.IsNaN(expected.Value.Values[e])))
                Assert.Fail($"{what}: element {e} is {array.GetValue(e)}, the independent decoder reads {expected.Value.Values[e]}");
        return "loaded";
    }

    /// <summary>The refusal's reason, without numbers and names, for the tally of outcomes.</summary>
    private static string Summarise(string message)
    {
        string reason = System.Text.RegularExpressions.Regex.Replace(message["IDX file 'fuzz.gz': ".Length..], @"[0-9][0-9,×A-F ]*", "# ");
        int cut = reason.IndexOfAny([':', '(', ';']);
        return (cut > 0 ? reason[..cut] : reason).Trim();
    }

    // ---- the cases ----

    private static (byte[] File, string How) MakeCase(Mutator mutator)
    {
        var random = mutator.Random;
        var raw = ValidIdx(random);
        string how = "raw";
        if (random.Next(3) == 0)
        {
            raw = EditHeader(raw, random);
            how = "header edit";
        }
        if (random.Next(2) == 0)
        {
            var gzip = Gzip(raw, random, out string members);
            how += $", gzip ({members})";
            switch (random.Next(4))
            {
                case 0: return (gzip, how);
                case 1: return (EditFraming(gzip, random), how + ", framing edit");
                default: return (mutator.Mutate(gzip), how + ", gzip bytes mutated");
            }
        }
        return random.Next(4) == 0 ? (raw, how) : (mutator.Mutate(raw), how + ", bytes mutated");
    }

    private static readonly byte[] s_typeCodes = [0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E];

    /// <summary>A well-formed IDX file: a random element type, rank 1 to 4, up to a few hundred elements.</summary>
    private static byte[] ValidIdx(System.Random random)
    {
        byte type = s_typeCodes[random.Next(s_typeCodes.Length)];
        int rank = 1 + random.Next(4);
        var dims = new int[rank];
        for (int d = 0; d < rank; d++) dims[d] = random.Next(rank == 1 ? 300 : 8);
        int count = dims.Aggregate(1, (a, b) => a * b), size = type switch { 0x08 or 0x09 => 1, 0x0B => 2, 0x0C or 0x0D => 4, _ => 8 };
        var bytes = new byte[4 + 4 * rank + count * size];
        bytes[2] = type;
        bytes[3] = (byte)rank;
        for (int d = 0; d < rank; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        var data = bytes.AsSpan(4 + 4 * rank);
        if (random.Next(3) == 0) data.Fill((byte)random.Next(3)); // runs that deflate compresses well
        else random.NextBytes(data);
        return bytes;
    }

    /// <summary>One IDX header field set to a value a fuzzer should try: another type, another rank, or a dimension that is 0, huge or one off.</summary>
    private static byte[] EditHeader(byte[] raw, System.Random random)
    {
        var bytes = (byte[])raw.Clone();
        int rank = bytes[3];
        switch (random.Next(3))
        {
            case 0:
                bytes[2] = random.Next(2) == 0 ? s_typeCodes[random.Next(s_typeCodes.Length)] : (byte)random.Next(256);
                break;
            case 1:
                bytes[3] = (byte)random.Next(7);
                break;
            default:
                int d = random.Next(rank);
                uint old = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * d));
                uint[] values = [0, 1, old + 1, old - 1, 65536, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 60000, (uint)random.Next()];
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * d), values[random.Next(values.Length)]);
                break;
        }
        return bytes;
    }

    /// <summary>Gzip data for <paramref name="raw"/>: one member from GZipStream, or one to three members written field by field.</summary>
    private static byte[] Gzip(byte[] raw, System.Random random, out string members)
    {
        if (random.Next(3) == 0)
        {
            members = "GZipStream";
            return IdxFileTests.Gzip(raw);
        }
        int count = 1 + random.Next(3);
        members = $"{count} members";
        var file = new List<byte>();
        int start = 0;
        for (int m = 0; m < count; m++)
        {
            int end = m == count - 1 ? raw.Length : start + random.Next(raw.Length - start + 1);
            byte flags = (byte)(random.Next(4) == 0 ? random.Next(32) & 0x1E : 0);
            file.AddRange(GzipFramingTests.Member(raw[start..end], flags, extra: new byte[random.Next(20)], fileName: "train-images", comment: "fuzz"));
            start = end;
        }
        return file.ToArray();
    }

    /// <summary>One edit that knows gzip's layout: a flag bit, the method, the header CRC, the trailer's CRC or length, a cut, or a member of garbage after.</summary>
    private static byte[] EditFraming(byte[] gzip, System.Random random)
    {
        var bytes = (byte[])gzip.Clone();
        switch (random.Next(7))
        {
            case 0: bytes[3] ^= (byte)(1 << random.Next(8)); return bytes;                // FLG
            case 1: bytes[2] = (byte)random.Next(256); return bytes;                      // CM
            case 2: bytes[^(1 + random.Next(8))] ^= (byte)(1 << random.Next(8)); return bytes; // trailer CRC or ISIZE
            case 3: return bytes[..^(1 + random.Next(Math.Min(12, bytes.Length - 1)))];   // a cut trailer
            case 4: return [.. bytes, .. new byte[1 + random.Next(8)]];                   // zero padding
            case 5: return [.. bytes, 0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 3];            // a second member, cut after its header
            default: return [.. bytes, .. GzipFramingTests.Member([])];                   // an empty member after: valid
        }
    }

    // ---- the independent decoder ----

    private readonly record struct Decoded(IdxElementType Type, int[] Dimensions, double[] Values);

    /// <summary>
    /// The file as System.IO.Compression's GZipStream (which checks each member's CRC itself) and a plain IDX parser
    /// read it; null where either refuses. MiniNet is stricter (trailing garbage, cut trailers), never looser.
    /// </summary>
    private static Decoded? Oracle(byte[] file)
    {
        byte[] raw = file;
        if (file.Length >= 2 && file[0] == 0x1F && file[1] == 0x8B)
        {
            try
            {
                var output = new MemoryStream();
                using (var gzip = new GZipStream(new MemoryStream(file), CompressionMode.Decompress)) gzip.CopyTo(output);
                raw = output.ToArray();
            }
            catch (InvalidDataException)
            {
                return null;
            }
        }
        if (raw.Length < 4 || raw[0] != 0 || raw[1] != 0 || Array.IndexOf(s_typeCodes, raw[2]) < 0 || raw[3] is 0 or > 4) return null;
        int rank = raw[3];
        if (raw.Length < 4 + 4 * rank) return null;
        var dims = new long[rank];
        for (int d = 0; d < rank; d++) dims[d] = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(4 + 4 * d));
        var type = (IdxElementType)raw[2];
        int size = type switch { IdxElementType.UInt8 or IdxElementType.Int8 => 1, IdxElementType.Int16 => 2, IdxElementType.Int32 or IdxElementType.Float32 => 4, _ => 8 };
        System.Numerics.BigInteger count = 1;
        foreach (long d in dims) count *= d;
        if (dims.Any(d => d > int.MaxValue) || count * size != raw.Length - 4 - 4 * rank) return null;
        var data = raw.AsSpan(4 + 4 * rank);
        var values = new double[(int)count];
        for (int e = 0; e < values.Length; e++)
        {
            var element = data.Slice(e * size, size);
            values[e] = type switch
            {
                IdxElementType.UInt8 => element[0],
                IdxElementType.Int8 => (sbyte)element[0],
                IdxElementType.Int16 => BinaryPrimitives.ReadInt16BigEndian(element),
                IdxElementType.Int32 => BinaryPrimitives.ReadInt32BigEndian(element),
                IdxElementType.Float32 => BinaryPrimitives.ReadSingleBigEndian(element),
                _ => BinaryPrimitives.ReadDoubleBigEndian(element),
            };
        }
        return new Decoded(type, Array.ConvertAll(dims, d => (int)d), values);
    }
}
