using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniNet.Data;

/// <summary>
/// The CRC-32 of gzip, zlib and PNG (ISO-HDLC: polynomial 0x04C11DB7, bit-reflected, initial value and final
/// XOR 0xFFFFFFFF): what a gzip trailer holds for the data it follows. Start from <see cref="Initial"/>, feed
/// the data in pieces with <see cref="Append"/>, and read the checksum with <see cref="Finish"/>.
/// </summary>
/// <remarks>
/// Two implementations of one function. On x86 with carry-less multiplication (PCLMULQDQ, every x86-64 CPU
/// since 2010) the data is folded 64 bytes at a time, as in Gopal et al., "Fast CRC Computation for Generic
/// Polynomials Using PCLMULQDQ Instruction" (Intel, 2009): about ten times the speed of the tables, which
/// keeps checking a download's checksum from costing a noticeable part of decompressing it. Elsewhere, and
/// for the tail the folding leaves, eight tables consume eight bytes per step ("slicing-by-8").
/// The tests check one against the other, and both against published check values.
/// </remarks>
internal static class Crc32
{
    /// <summary>The running value before any data (the CRC register preset to all ones).</summary>
    public const uint Initial = 0xFFFFFFFF;

    private const uint ReflectedPolynomial = 0xEDB88320;

    // Table k maps a byte to its CRC contribution when k more zero bytes follow it.
    private static readonly uint[][] s_tables = BuildTables();

    /// <summary>The running value after <paramref name="data"/> follows the data already fed.</summary>
    public static uint Append(uint running, ReadOnlySpan<byte> data)
    {
        if (Pclmulqdq.IsSupported && Sse41.IsSupported && data.Length >= 64)
        {
            int folded = data.Length & ~15;
            running = Fold(running, data[..folded]);
            data = data[folded..];
        }
        return AppendWithTables(running, data);
    }

    /// <summary>The checksum of everything fed: the running value with its bits inverted.</summary>
    public static uint Finish(uint running) => ~running;

    /// <summary>The checksum of <paramref name="data"/> alone.</summary>
    public static uint Of(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));

    /// <summary>The portable path: eight table lookups per eight bytes, then one per byte.</summary>
    internal static uint AppendWithTables(uint running, ReadOnlySpan<byte> data)
    {
        var t = s_tables;
        uint[] t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7];
        while (data.Length >= 8)
        {
            uint low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ running;
            uint high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            running = t7[low & 0xFF] ^ t6[(low >> 8) & 0xFF] ^ t5[(low >> 16) & 0xFF] ^ t4[low >> 24]
                    ^ t3[high & 0xFF] ^ t2[(high >> 8) & 0xFF] ^ t1[(high >> 16) & 0xFF] ^ t0[high >> 24];
            data = data[8..];
        }
        foreach (byte b in data) running = t0[(running ^ b) & 0xFF] ^ (running >> 8);
        return running;
    }

    /// <summary>
    /// The running value (as <see cref="Append"/>'s) after <paramref name="data"/>,
    /// whose length is a multiple of 16 and at least 64. Four 128-bit lanes are multiplied forward by x^(512)
    /// and the next 64 bytes XORed in, then folded into one lane, then reduced to 32 bits (Barrett).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint Fold(uint crc, ReadOnlySpan<byte> data)
    {
        // The constants of the paper for this polynomial, bit-reflected: x^(4·128+32) and x^(4·128−32) mod P,
        // x^(128+32) and x^(128−32) mod P, x^64 mod P, then P itself and μ = x^64 / P for the reduction.
        var fold4 = Vector128.Create(0x0154442BD4UL, 0x01C6E41596UL);
        var fold1 = Vector128.Create(0x01751997D0UL, 0x00CCAA009EUL);
        var fold64 = Vector128.Create(0x0163CD6124UL, 0UL);
        var barrett = Vector128.Create(0x01DB710641UL, 0x01F7011641UL);
        var low32 = Vector128.Create(~0u, 0u, ~0u, 0u).AsUInt64();

        var x1 = Load(data, 0) ^ Vector128.CreateScalar(crc).AsUInt64();
        var x2 = Load(data, 16);
        var x3 = Load(data, 32);
        var x4 = Load(data, 48);
        int offset = 64;
        for (; data.Length - offset >= 64; offset += 64)
        {
            x1 = FoldInto(x1, fold4, Load(data, offset));
            x2 = FoldInto(x2, fold4, Load(data, offset + 16));
            x3 = FoldInto(x3, fold4, Load(data, offset + 32));
            x4 = FoldInto(x4, fold4, Load(data, offset + 48));
        }
        x1 = FoldInto(x1, fold1, x2);
        x1 = FoldInto(x1, fold1, x3);
        x1 = FoldInto(x1, fold1, x4);
        for (; data.Length - offset >= 16; offset += 16) x1 = FoldInto(x1, fold1, Load(data, offset));

        // 128 bits to 64, then to 32 with a Barrett reduction.
        var x2b = Pclmulqdq.CarrylessMultiply(x1, fold1, 0x10);
        x1 = Sse2.ShiftRightLogical128BitLane(x1, 8) ^ x2b;
        var high = Sse2.ShiftRightLogical128BitLane(x1, 4);
        x1 = Pclmulqdq.CarrylessMultiply(x1 & low32, fold64, 0x00) ^ high;
        var t = Pclmulqdq.CarrylessMultiply(x1 & low32, barrett, 0x10);
        t = Pclmulqdq.CarrylessMultiply(t & low32, barrett, 0x00);
        return Sse41.Extract((x1 ^ t).AsUInt32(), 1);
    }

    /// <summary>One fold: <paramref name="lane"/> carried 128·k bits further (by the constants in <paramref name="by"/>) and XORed onto <paramref name="next"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> FoldInto(Vector128<ulong> lane, Vector128<ulong> by, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(lane, by, 0x00) ^ Pclmulqdq.CarrylessMultiply(lane, by, 0x11) ^ next;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Load(ReadOnlySpan<byte> data, int offset) =>
        Vector128.Create<byte>(data.Slice(offset, 16)).AsUInt64();

    private static uint[][] BuildTables()
    {
        var tables = new uint[8][];
        for (int k = 0; k < 8; k++) tables[k] = new uint[256];
        for (uint b = 0; b < 256; b++)
        {
            uint crc = b;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            tables[0][b] = crc;
        }
        for (int k = 1; k < 8; k++)
            for (int b = 0; b < 256; b++)
                tables[k][b] = (tables[k - 1][b] >> 8) ^ tables[0][tables[k - 1][b] & 0xFF];
        return tables;
    }
}
