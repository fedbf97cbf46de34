using System.Text;
using MiniNet.Data;

namespace MiniNet.Tests.Data;

public class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)] // the check value of CRC-32/ISO-HDLC in every CRC catalogue
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Matches_the_published_check_values(string text, uint expected)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.Equal(expected, Crc32.Of(bytes));
        Assert.Equal(expected, Crc32.Finish(Crc32.AppendWithTables(Crc32.Initial, bytes)));
    }

    [Fact]
    public void A_megabyte_of_zeros_has_the_checksum_gzip_writes_for_it()
    {
        // `head -c 1048576 /dev/zero | gzip | tail -c 8` ends with this CRC-32 and the length 0x00100000.
        Assert.Equal(0xA738EA1Cu, Crc32.Of(new byte[1 << 20]));
    }

    [Fact]
    public void The_folding_path_agrees_with_the_tables_for_every_length_offset_and_start()
    {
        // Lengths around every boundary of the folding (64-byte blocks, 16-byte tails, the table's 8-byte steps),
        // misaligned starts, and running values mid-stream, not only the initial one.
        var random = new System.Random(20240917);
        var data = new byte[4096 + 64];
        random.NextBytes(data);
        for (int length = 0; length <= 600; length++)
            foreach (int offset in new[] { 0, 1, 7, 13 })
            {
                uint start = length % 3 == 0 ? Crc32.Initial : (uint)random.Next();
                var piece = data.AsSpan(offset, length);
                Assert.Equal(Crc32.AppendWithTables(start, piece), Crc32.Append(start, piece));
            }
        var large = data.AsSpan(5, 4096 + 17);
        Assert.Equal(Crc32.AppendWithTables(Crc32.Initial, large), Crc32.Append(Crc32.Initial, large));
    }

    [Fact]
    public void Feeding_in_pieces_gives_the_checksum_of_the_whole()
    {
        var data = new byte[10_000];
        new System.Random(3).NextBytes(data);
        uint running = Crc32.Initial;
        for (int start = 0, step = 1; start < data.Length; start += step, step = step * 3 % 977 + 1)
            running = Crc32.Append(running, data.AsSpan(start, Math.Min(step, data.Length - start)));
        Assert.Equal(Crc32.Of(data), Crc32.Finish(running));
    }
}
