using System.Buffers.Binary;

namespace MiniNet.Tests.Fuzzing;

/// <summary>
/// Seeded byte-level mutations for the file-reader fuzz tests: bit flips, interesting bytes and 32/64-bit
/// values, truncations, insertions, deletions, duplicated (overlapping) ranges and appended garbage. The same
/// seed gives the same mutations on every machine (<see cref="System.Random"/> with a seed is deterministic).
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly byte[] s_interestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x1F, 0x8B, (byte)'"', (byte)'\\', (byte)'[', (byte)'{', 0xC3, 0xED];

    private static readonly uint[] s_interestingWords =
        [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 60000, 28, 784];

    public System.Random Random { get; } = new(seed);

    /// <summary>One to three byte-level mutations of <paramref name="input"/>, which is not changed.</summary>
    public byte[] Mutate(byte[] input)
    {
        var bytes = input;
        int count = 1 + Random.Next(3);
        for (int i = 0; i < count; i++) bytes = MutateOnce(bytes);
        return bytes;
    }

    /// <summary>A random position in <paramref name="length"/> bytes, biased toward the start where headers are.</summary>
    public int Position(int length) => length == 0 ? 0 : Random.Next(3) == 0 ? Random.Next(Math.Min(length, 32)) : Random.Next(length);

    private byte[] MutateOnce(byte[] input)
    {
        var bytes = (byte[])input.Clone();
        int length = bytes.Length;
        switch (Random.Next(10))
        {
            case 0 when length > 0: // flip a bit
                bytes[Position(length)] ^= (byte)(1 << Random.Next(8));
                return bytes;
            case 1 when length > 0: // an interesting byte
                bytes[Position(length)] = s_interestingBytes[Random.Next(s_interestingBytes.Length)];
                return bytes;
            case 2 when length >= 4: // an interesting 32-bit value, either byte order
            {
                int at = Position(length - 3);
                uint word = s_interestingWords[Random.Next(s_interestingWords.Length)];
                if (Random.Next(2) == 0) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), word);
                else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), word);
                return bytes;
            }
            case 3 when length >= 8: // an interesting 64-bit value (a length field)
            {
                int at = Position(length - 7);
                ulong value = Random.Next(3) switch { 0 => (ulong)Random.NextInt64(), 1 => ulong.MaxValue - (ulong)Random.Next(16), _ => (ulong)Random.Next(length + 64) };
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), value);
                return bytes;
            }
            case 4: // truncate
                return bytes[..Random.Next(length + 1)];
            case 5: // insert random bytes
            {
                int at = Random.Next(length + 1);
                var inserted = new byte[1 + Random.Next(16)];
                Random.NextBytes(inserted);
                return [.. bytes[..at], .. inserted, .. bytes[at..]];
            }
            case 6 when length > 0: // delete a range
            {
                int at = Random.Next(length), count = 1 + Random.Next(Math.Min(16, length - at));
                return [.. bytes[..at], .. bytes[(at + count)..]];
            }
            case 7 when length > 1: // duplicate a range in place (overlapping data)
            {
                int from = Random.Next(length), count = 1 + Random.Next(Math.Min(32, length - from)), to = Random.Next(length);
                return [.. bytes[..to], .. bytes[from..(from + count)], .. bytes[to..]];
            }
            case 8: // append garbage
            {
                var garbage = new byte[1 + Random.Next(32)];
                if (Random.Next(2) == 0) Random.NextBytes(garbage);
                return [.. bytes, .. garbage];
            }
            default: // copy the file onto itself at an offset
                if (length < 2) return bytes;
                int shift = 1 + Random.Next(length - 1);
                return [.. bytes[..shift], .. bytes];
        }
    }

    /// <summary>How many mutations each fuzz test runs: <c>MININET_FUZZ_ITERATIONS</c> if set, else <paramref name="inSuite"/>.</summary>
    public static int Iterations(int inSuite) =>
        int.TryParse(Environment.GetEnvironmentVariable("MININET_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : inSuite;

    /// <summary>The seed: <c>MININET_FUZZ_SEED</c> if set (a nightly run may vary it), else <paramref name="fixedSeed"/>.</summary>
    public static int Seed(int fixedSeed) =>
        int.TryParse(Environment.GetEnvironmentVariable("MININET_FUZZ_SEED"), out int n) ? n : fixedSeed;
}
