using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MiniNet.Data;

namespace MiniNet.Tests.Data;

/// <summary>
/// The gzip framing of IDX files, checked by MiniNet itself (RFC 1952): each member's header fields, its CRC-32
/// and length, nothing after the last member but further members, and memory bounded by the declared size.
/// </summary>
public class GzipFramingTests
{
    /// <summary>An IDX file of 40 u8 items of 5 bytes (216 bytes), raw.</summary>
    private static readonly byte[] s_idx = MakeIdx();

    private static byte[] MakeIdx()
    {
        var bytes = new byte[12 + 200];
        new byte[] { 0, 0, 0x08, 2, 0, 0, 0, 40, 0, 0, 0, 5 }.CopyTo(bytes, 0);
        for (int i = 12; i < bytes.Length; i++) bytes[i] = (byte)(i * 37);
        return bytes;
    }

    /// <summary>
    /// One gzip member, written field by field: the 10-byte header with <paramref name="flags"/> and the fields they
    /// announce, the raw deflate data, then the CRC-32 and length of <paramref name="data"/>.
    /// </summary>
    internal static byte[] Member(byte[] data, byte flags = 0, byte[]? extra = null, string? fileName = null, string? comment = null,
        byte method = 8)
    {
        var header = new List<byte> { 0x1F, 0x8B, method, flags, 1, 2, 3, 4, 0, 3 };
        if ((flags & 0x04) != 0)
        {
            header.AddRange(BitConverter.GetBytes((ushort)extra!.Length));
            header.AddRange(extra);
        }
        if ((flags & 0x08) != 0) header.AddRange([.. Encoding.Latin1.GetBytes(fileName!), 0]);
        if ((flags & 0x10) != 0) header.AddRange([.. Encoding.Latin1.GetBytes(comment!), 0]);
        if ((flags & 0x02) != 0) header.AddRange(BitConverter.GetBytes((ushort)Crc32.Of(header.ToArray())));
        var deflated = new MemoryStream();
        using (var deflate = new DeflateStream(deflated, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(data);
        if (deflated.Length == 0) deflated.Write([0x03, 0x00]); // .NET writes nothing for no data: one empty final block
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.Of(data));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), (uint)data.Length);
        return [.. header, .. deflated.ToArray(), .. trailer];
    }

    private static void AssertLoads(byte[] file, byte[] expectedIdx)
    {
        foreach (var stream in new Stream[] { new MemoryStream(file), new IdxFileTests.ForwardOnlyStream(file) })
        {
            var array = IdxFile.Read(stream, "data.gz");
            Assert.Equal(expectedIdx[12..], array.AsSpan<byte>().ToArray());
        }
    }

    /// <summary>Refused from a file on disk (seekable) and from a forward-only stream, naming the data both times.</summary>
    private static InvalidDataException AssertRefused(byte[] file, params string[] words)
    {
        InvalidDataException? seekable = null;
        foreach (var stream in new Stream[] { new MemoryStream(file), new IdxFileTests.ForwardOnlyStream(file) })
        {
            var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(stream, "data.gz"));
            Assert.StartsWith("IDX file 'data.gz': ", error.Message);
            if (stream is MemoryStream)
            {
                foreach (string word in words) Assert.Contains(word, error.Message);
                seekable = error;
            }
        }
        return seekable!;
    }

    [Fact]
    public void Every_optional_header_field_is_read_and_skipped()
    {
        AssertLoads(Member(s_idx, flags: 0x04, extra: [0x41, 0x70, 2, 0, 7, 7]), s_idx);
        AssertLoads(Member(s_idx, flags: 0x08, fileName: "train-images-idx3-ubyte"), s_idx);
        AssertLoads(Member(s_idx, flags: 0x10, comment: "Fashion-MNIST, Zalando Research"), s_idx);
        AssertLoads(Member(s_idx, flags: 0x1E, extra: new byte[70_000 % 65_536], fileName: new string('n', 100_000), comment: "c"), s_idx);
        AssertLoads(Member(s_idx, flags: 0x01), s_idx); // FTEXT is a hint only
    }

    [Fact]
    public void Several_members_read_as_one_stream_as_gzip_1_reads_them()
    {
        // Split inside the IDX header, inside the data, and with an empty member between: `cat a.gz b.gz c.gz`.
        var file = (byte[])[.. Member(s_idx[..7]), .. Member([]), .. Member(s_idx[7..100]), .. Member(s_idx[100..])];
        AssertLoads(file, s_idx);
    }

    [Fact]
    public void A_flipped_crc_is_refused_with_the_stored_and_the_actual_value()
    {
        var file = Member(s_idx);
        uint actual = Crc32.Of(s_idx);
        file[^8] ^= 0x01;
        AssertRefused(file, "the trailer of gzip member 1", $"holds the CRC-32 0x{actual ^ 1:X8}, but the data decoded is 0x{actual:X8}", "corrupt");
    }

    [Fact]
    public void A_wrong_length_in_the_trailer_is_refused()
    {
        var file = Member(s_idx);
        file[^4] = 0x99;
        AssertRefused(file, "the trailer of gzip member 1", "gives its length as 153 bytes (mod 2³²), but it holds 212");
    }

    [Theory]
    [InlineData(1, "the file ends 7 bytes into the 8-byte trailer of gzip member 1")]
    [InlineData(5, "the file ends 3 bytes into the 8-byte trailer of gzip member 1")]
    [InlineData(7, "the file ends 1 bytes into the 8-byte trailer of gzip member 1")]
    [InlineData(8, "the file ends where the 8-byte trailer of gzip member 1 should begin")]
    public void A_cut_trailer_is_refused(int cut, string expected)
    {
        var file = Member(s_idx);
        AssertRefused(file[..^cut], expected, "truncated");
    }

    [Fact]
    public void A_cut_in_the_compressed_data_is_refused()
    {
        var file = Member(s_idx);
        AssertRefused(file[..^20], "the file ends inside the compressed data of gzip member 1", "truncated");
    }

    [Theory]
    [InlineData(new byte[] { 0 }, "1 byte follow gzip member 1", "0x00")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 }, "8 bytes follow gzip member 1", "0x00 0x00")]
    [InlineData(new byte[] { 0x1F, 0x8C, 1 }, "3 bytes follow gzip member 1", "0x1F 0x8C")]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, "5 bytes follow gzip member 1", "0x68 0x65")]
    public void Garbage_after_the_last_member_is_refused(byte[] garbage, string count, string start)
    {
        var member = Member(s_idx);
        var error = AssertRefused([.. member, .. garbage], count, $"which ends at byte {member.Length}", $"they start with {start}", "trailing garbage");
        Assert.DoesNotContain("member 2", error.Message);
    }

    [Fact]
    public void A_second_member_that_is_cut_is_refused_naming_it()
    {
        var second = Member(s_idx[100..]);
        AssertRefused([.. Member(s_idx[..100]), .. second[..5]], "the file ends inside the 10-byte header of gzip member 2");
        AssertRefused([.. Member(s_idx[..100]), .. second[..^3]], "the file ends 5 bytes into the 8-byte trailer of gzip member 2");
    }

    public static TheoryData<string, byte[], string> BadHeaders()
    {
        var withCrc = Member(s_idx, flags: 0x0A, fileName: "x");
        withCrc[12] ^= 0xFF; // the header CRC covers the name
        return new()
        {
            { "method", Member(s_idx, method: 7), "gzip member 1 (at byte 0) declares compression method 7; gzip defines only 8, deflate" },
            { "reserved flags", Member(s_idx, flags: 0x20), "gzip member 1 (at byte 0) sets reserved flag bits (flags 0x20)" },
            { "header crc", withCrc, "the header CRC of gzip member 1 is" },
            { "cut name", Member([], flags: 0x08, fileName: "name")[..13], "the file ends inside the file name in the header of gzip member 1" },
            { "cut extra", Member([], flags: 0x04, extra: new byte[40])[..30], "the file ends inside the extra field in the header of gzip member 1" },
            { "cut header", Member(s_idx)[..6], "the file ends inside the 10-byte header of gzip member 1" },
        };
    }

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void Malformed_member_headers_are_refused(string name, byte[] file, string expected)
    {
        Assert.NotEmpty(name);
        AssertRefused(file, expected);
    }

    [Fact]
    public void A_member_followed_by_garbage_is_refused_from_a_stream_that_cannot_seek_too()
    {
        // Garbage hides where the deflate data ends; a seekable source is decoded again to say exactly what follows
        // the member (above), a forward-only one is refused in general terms.
        var file = (byte[])[.. Member(s_idx), .. "garbage after the member"u8];
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(new IdxFileTests.ForwardOnlyStream(file), "pipe"));
        Assert.Contains($"IDX file 'pipe': the compressed data of gzip member 1 ends within bytes", error.Message);
        Assert.Contains($"and is not followed there by its trailer (CRC-32 0x{Crc32.Of(s_idx):X8}, length 212) and then the end of the data or another gzip member", error.Message);
        Assert.Contains("the data is corrupt, cut or followed by garbage", error.Message);
    }

    [Fact]
    public void A_trailer_that_repeats_the_end_of_the_data_is_found_exactly()
    {
        // An empty member's data ends 0x00 before a trailer of eight zeros: the zeros fit at two places, only one is
        // the trailer. Several empty members, then the data, from a seekable and a forward-only stream.
        AssertLoads([.. Member([]), .. Member([]), .. Member(s_idx), .. Member([])], s_idx);
        // A copy of the right trailer further on must not stand in for a wrong one (a fuzzer found this).
        var member = Member(s_idx);
        var wrong = (byte[])member.Clone();
        wrong[^8] ^= 0xFF;
        AssertRefused([.. wrong, .. member], "holds the CRC-32", "but the data decoded is");
    }

    [Fact]
    public void A_bomb_that_expands_far_past_its_header_is_refused_after_a_few_kilobytes_without_storing_it()
    {
        // The header declares 1,000 bytes; 256 MB of zeros follow (256 KB of gzip). Refused once 64 KiB more than
        // declared have arrived, having decompressed a fraction of the file and stored none of it.
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(new byte[] { 0, 0, 0x08, 1, 0, 0, 0x03, 0xE8 });
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) gzip.Write(zeros);
        }
        var file = output.ToArray();
        foreach (bool seekable in new[] { true, false })
        {
            var source = new CountingStream(file, seekable);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(source, "bomb.gz"));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Contains("the data goes on past the 1,000 bytes that the header declares (1000 u8): more than 65,536 trailing bytes follow", error.Message);
            Assert.True(allocated < 1 << 20, $"refusing the bomb allocated {allocated:N0} bytes");
            Assert.True(source.BytesRead < file.Length / 4, $"refusing the bomb read {source.BytesRead:N0} of its {file.Length:N0} bytes");
        }
    }

    [Fact]
    public void A_file_that_holds_less_than_its_header_declares_is_counted_before_anything_is_stored()
    {
        // 4 MB declared, 2 MB of incompressible data: deflate could hold 4 MB in these bytes, so the size is only
        // known by decoding. The trailer does not confirm it, so the data is counted first, and refused unstored.
        var content = new byte[12 + (2 << 20)];
        new byte[] { 0, 0, 0x08, 2, 0, 0, 0x10, 0, 0, 0, 0x04, 0 }.CopyTo(content, 0); // 4096 × 1024 u8
        new System.Random(5).NextBytes(content.AsSpan(12));
        var stream = new MemoryStream(IdxFileTests.Gzip(content));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(stream, "short.gz"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("the data is truncated: the header declares 4096 × 1024 u8 = 4,194,304 bytes of data, but only 2,097,152 follow", error.Message);
        Assert.True(allocated < 512 * 1024, $"refusing the file allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_file_whose_trailer_confirms_its_header_is_read_into_one_array_of_the_declared_size()
    {
        var content = new byte[12 + (4 << 20)];
        new byte[] { 0, 0, 0x08, 2, 0, 0, 0x10, 0, 0, 0, 0x04, 0 }.CopyTo(content, 0);
        new System.Random(6).NextBytes(content.AsSpan(12));
        var stream = new MemoryStream(IdxFileTests.Gzip(content));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var array = IdxFile.Read(stream, "exact.gz");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(content[12..], array.AsSpan<byte>().ToArray());
        Assert.True(allocated < (4 << 20) + (512 << 10), $"reading 4 MiB allocated {allocated:N0} bytes: the array and little else");
    }

    /// <summary>A stream over bytes that counts what is read from it, seekable or not.</summary>
    private sealed class CountingStream(byte[] content, bool seekable) : Stream
    {
        private readonly MemoryStream _inner = new(content);
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => seekable;
        public override bool CanWrite => false;
        public override long Length => seekable ? _inner.Length : throw new NotSupportedException();
        public override long Position
        {
            get => seekable ? _inner.Position : throw new NotSupportedException();
            set => _inner.Position = seekable ? value : throw new NotSupportedException();
        }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = _inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }
        public override long Seek(long offset, SeekOrigin origin) => seekable ? _inner.Seek(offset, origin) : throw new NotSupportedException();
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
