using System.IO.Compression;
using MiniNet.Data;

namespace MiniNet.Tests.Data;

public class IdxFileTests
{
    /// <summary>One case per IDX element type: the values, then the same values as the file stores them (big-endian).</summary>
    public static TheoryData<string, IdxArray, byte[]> ElementTypes() => new()
    {
        { "u8", new IdxArray(new byte[] { 0, 255, 7, 128, 1, 2 }, [2, 3]), [0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0x00, 0xFF, 0x07, 0x80, 0x01, 0x02] },
        { "i8", new IdxArray(new sbyte[] { -1, 127, -128 }, [3]), [0, 0, 0x09, 1, 0, 0, 0, 3, 0xFF, 0x7F, 0x80] },
        { "i16", new IdxArray(new short[] { -2, 258 }, [2]), [0, 0, 0x0B, 1, 0, 0, 0, 2, 0xFF, 0xFE, 0x01, 0x02] },
        { "i32", new IdxArray(new int[] { -2, 0x01020304 }, [1, 2]), [0, 0, 0x0C, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0xFF, 0xFF, 0xFF, 0xFE, 0x01, 0x02, 0x03, 0x04] },
        { "f32", new IdxArray(new float[] { 1.5f, -2f }, [2, 1]), [0, 0, 0x0D, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0, 0xC0, 0, 0, 0] },
        { "f64", new IdxArray(new double[] { 1.5, -0.0 }, [1, 1, 1, 2]),
            [0, 0, 0x0E, 4, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Reads_every_element_type_big_endian_raw_and_gzip(string type, IdxArray expected, byte[] fileBytes)
    {
        using var dir = new TempDirectory();
        System.IO.File.WriteAllBytes(dir.File("raw"), fileBytes);
        System.IO.File.WriteAllBytes(dir.File("compressed"), Gzip(fileBytes));

        foreach (string name in new[] { "raw", "compressed" })
        {
            var array = IdxFile.Read(dir.File(name));
            Assert.Equal(type, array.ElementType.ShortName());
            Assert.Equal(expected.Shape, array.Shape);
            for (int i = 0; i < expected.ElementCount; i++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected.GetValue(i)), BitConverter.DoubleToInt64Bits(array.GetValue(i))); // -0.0 too
        }
    }

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public void Writes_every_element_type_big_endian(string type, IdxArray array, byte[] fileBytes)
    {
        var raw = new MemoryStream();
        IdxFile.Write(raw, array);
        Assert.Equal(fileBytes, raw.ToArray());

        using var dir = new TempDirectory();
        IdxFile.Write(dir.File(type + ".gz"), array, gzip: true);
        var stored = System.IO.File.ReadAllBytes(dir.File(type + ".gz"));
        Assert.Equal([0x1F, 0x8B], stored[..2]);
        Assert.Equal(fileBytes, Gunzip(stored));
    }

    [Fact]
    public void Gzip_is_detected_by_content_not_by_file_name()
    {
        using var dir = new TempDirectory();
        var bytes = new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 2, 42, 43 };
        System.IO.File.WriteAllBytes(dir.File("compressed-without-suffix"), Gzip(bytes));
        System.IO.File.WriteAllBytes(dir.File("raw-named.gz"), bytes);
        Assert.Equal([42, 43], IdxFile.Read(dir.File("compressed-without-suffix")).AsSpan<byte>().ToArray());
        Assert.Equal([42, 43], IdxFile.Read(dir.File("raw-named.gz")).AsSpan<byte>().ToArray());
    }

    [Fact]
    public void Reads_from_streams_that_cannot_seek()
    {
        var bytes = new byte[] { 0, 0, 0x0B, 1, 0, 0, 0, 2, 0x80, 0x00, 0x7F, 0xFF };
        foreach (var content in new[] { bytes, Gzip(bytes) })
        {
            var array = IdxFile.Read(new ForwardOnlyStream(content), "network");
            Assert.Equal(new short[] { short.MinValue, short.MaxValue }, array.AsSpan<short>().ToArray());
        }
        var truncated = IdxFile.Read(new ForwardOnlyStream([0, 0, 0x08, 1, 0, 0, 0, 3, 1, 2, 3]), "pipe");
        Assert.Equal(3, truncated.Count);
    }

    [Fact]
    public void Gzip_data_longer_than_the_first_buffer_reads_whole()
    {
        // 3 MB of i32: the reader's buffer for data of unknown length starts at 1 MiB and must grow.
        var values = new int[750_000];
        for (int i = 0; i < values.Length; i++) values[i] = unchecked((int)((uint)i * 2654435761u)); // all 32 bits vary
        var array = new IdxArray(values, [750, 1000]);
        using var dir = new TempDirectory();
        IdxFile.Write(dir.File("big.gz"), array, gzip: true);
        var read = IdxFile.Read(dir.File("big.gz"));
        Assert.Equal(values, read.AsSpan<int>().ToArray());
    }

    [Fact]
    public void Slice_keeps_the_items_and_their_shape()
    {
        var array = new IdxArray(new short[] { 1, 2, 3, 4, 5, 6, 7, 8 }, [4, 2]);
        var slice = array.Slice(1, 2);
        Assert.Equal([2, 2], slice.Shape.ToArray());
        Assert.Equal(new short[] { 3, 4, 5, 6 }, slice.AsSpan<short>().ToArray());
        Assert.Equal(2, slice.ItemSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => array.Slice(3, 2));
    }

    [Fact]
    public void ToTensor_converts_values_exactly()
    {
        var array = new IdxArray(new int[] { -7, 16_777_216, 3 }, [3]);
        Assert.Equal(new double[] { -7, 16_777_216, 3 }, array.ToTensor(DType.Float64).ToArray<double>());
        Assert.Equal(new float[] { -7, 16_777_216, 3 }, array.ToTensor().ToArray<float>());
    }

    [Fact]
    public void Signed_bytes_read_as_signed_everywhere()
    {
        // The runtime lets an sbyte[] pass for a byte[] ("is byte[]" is true), so a switch on the array's type read
        // -1 as 255 in GetValue and ToTensor (the fuzz test's independent decoder found it); a switch on the element type cannot.
        var array = IdxFile.Read(new MemoryStream([0, 0, 0x09, 1, 0, 0, 0, 3, 0xFF, 0x80, 0x7F]), "signed");
        Assert.Equal(new double[] { -1, -128, 127 }, Enumerable.Range(0, 3).Select(array.GetValue));
        Assert.Equal(new float[] { -1, -128, 127 }, array.ToTensor().ToArray<float>());
        Assert.Equal(new double[] { -1, -128, 127 }, array.ToTensor(DType.Float64).ToArray<double>());
        Assert.Equal(new sbyte[] { -1, -128, 127 }, array.AsSpan<sbyte>().ToArray());
        Assert.Throws<InvalidOperationException>(() => array.AsSpan<byte>().Length);
        Assert.Throws<InvalidOperationException>(() => new IdxArray(new byte[] { 1 }, [1]).AsSpan<sbyte>().Length);
    }

    [Fact]
    public void AsSpan_of_the_wrong_type_is_refused()
    {
        var array = new IdxArray(new byte[] { 1 }, [1]);
        var error = Assert.Throws<InvalidOperationException>(() => array.AsSpan<float>().Length);
        Assert.Contains("UInt8", error.Message);
    }

    // ---- malformed files: each is refused with a message that names the file and the problem ----

    public static TheoryData<string, byte[], string> MalformedFiles() => new()
    {
        { "empty", [], "the file is empty" },
        { "short-magic", [0, 0], "ends after 2 bytes, inside the 4-byte magic number" },
        { "bad-magic", [0x50, 0x4B, 0x08, 1, 0, 0, 0, 1, 9], "starts with the bytes 0x50 0x4B, where an IDX magic number has two zero bytes" },
        { "unknown-type", [0, 0, 0x0A, 1, 0, 0, 0, 1, 9], "unknown element type code 0x0A" },
        { "zero-dimensions", [0, 0, 0x08, 0, 9], "declares 0 dimensions; an IDX array has 1 to 4" },
        { "five-dimensions", [0, 0, 0x08, 5, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9], "declares 5 dimensions" },
        { "short-header", [0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0], "ends inside the header: it declares 3 dimensions but holds only 6 of their 12 bytes" },
        { "truncated", [0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5], "the data is truncated: the header declares 2 × 3 i16 = 12 bytes of data, but only 5 follow" },
        { "trailing", [0, 0, 0x08, 1, 0, 0, 0, 2, 1, 2, 3, 4, 5], "3 trailing bytes follow the 2 bytes of data that the header declares (2 u8)" },
        { "too-many-elements", [0, 0, 0x08, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1],
            "declares 4294967295 × 4294967295 u8 = 18,446,744,065,119,617,025 elements, more than the 2,147,483,591 an array can hold" },
        { "over-2^64-bytes", [0, 0, 0x0E, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2, 1],
            "declares 4294967295 × 4294967295 × 2 f64 elements, more than 2⁶⁴ bytes" },
        { "huge-dimension", [0, 0, 0x08, 2, 0, 0, 0, 0, 0x80, 0, 0, 0], "dimension 1 of 0 × 2147483648 u8 is 2,147,483,648, above the largest supported" },
    };

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void Malformed_raw_files_are_refused_with_a_message_naming_the_file(string name, byte[] content, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File(name + ".idx");
        System.IO.File.WriteAllBytes(path, content);
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains($"'{path}'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void Malformed_gzip_files_are_refused_with_the_same_message(string name, byte[] content, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File(name + ".gz");
        System.IO.File.WriteAllBytes(path, Gzip(content));
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains($"'{path}'", error.Message);
        // Compressed data has no known length, so truncation is found while reading: same facts, same words.
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_header_declaring_2_to_the_64_bytes_fails_fast_without_allocating()
    {
        // 4294967295 × 4294967295 bytes: refused from the header alone, raw or gzip.
        var header = new byte[] { 0, 0, 0x08, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3 };
        foreach (var content in new[] { header, Gzip(header) })
        {
            var stream = new MemoryStream(content);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(stream, "huge"));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Contains("4294967295 × 4294967295", error.Message);
            Assert.True(allocated < 256 * 1024, $"reading the header allocated {allocated:N0} bytes");
        }
    }

    [Fact]
    public void A_gzip_file_declaring_more_than_its_bytes_can_expand_to_is_refused_before_reading_the_data()
    {
        // The header promises 60000 × 28 × 28 f64 (376 MB, a size an array can hold); 1000 bytes follow, gzipped
        // to a few dozen. Deflate expands at most 1032-fold, so the promise is refused from the file's length.
        var content = new byte[16 + 1000];
        new byte[] { 0, 0, 0x0E, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28 }.CopyTo(content, 0);
        var stream = new MemoryStream(Gzip(content));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(stream, "liar.gz"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("IDX file 'liar.gz': the header declares 60000 × 28 × 28 f64 = 376,320,000 bytes of data, but", error.Message);
        Assert.Contains("bytes of gzip data cannot hold that many (deflate expands data at most 1032-fold)", error.Message);
        Assert.True(allocated < 512 * 1024, $"reading allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_gzip_stream_declaring_more_than_it_holds_allocates_only_for_what_arrives()
    {
        // The same file from a stream that cannot seek: its length is unknown, so the reader must not reserve the
        // promised size, but grow its buffer with the data actually decompressed.
        var content = new byte[16 + 1000];
        new byte[] { 0, 0, 0x0E, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28 }.CopyTo(content, 0);
        var stream = new ForwardOnlyStream(Gzip(content));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(stream, "liar.gz"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("the data is truncated: the header declares 60000 × 28 × 28 f64 = 376,320,000 bytes of data", error.Message);
        Assert.Contains("but only 1,000 follow", error.Message);
        Assert.True(allocated < 4 * 1024 * 1024, $"reading allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Truncated_or_corrupt_gzip_is_refused_naming_the_file()
    {
        var content = new byte[8 + 5000];
        new byte[] { 0, 0, 0x08, 1, 0, 0, 0x13, 0x88 }.CopyTo(content, 0);
        for (int i = 8; i < content.Length; i++) content[i] = (byte)(i * 7919 >> 3);
        var compressed = Gzip(content);
        using var dir = new TempDirectory();

        string cut = dir.File("cut.gz");
        System.IO.File.WriteAllBytes(cut, compressed[..(compressed.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(cut));
        Assert.Contains($"'{cut}'", error.Message);
        Assert.Contains("truncated", error.Message);

        string corrupt = dir.File("corrupt.gz");
        var damaged = (byte[])compressed.Clone();
        for (int i = 10; i < 30; i++) damaged[i] = 0xFF; // the deflate stream right after the gzip header
        System.IO.File.WriteAllBytes(corrupt, damaged);
        error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(corrupt));
        Assert.Contains($"IDX file '{corrupt}': the compressed (deflate) data of gzip member 1 is corrupt: it cannot be decoded", error.Message);
    }

    [Fact]
    public void A_directory_is_refused_saying_that_it_is_one()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<IOException>(() => IdxFile.Read(dir.Path));
        Assert.Equal(typeof(IOException), error.GetType());
        Assert.Contains($"IDX file '{dir.Path}': the path is a directory, not a file", error.Message);
        Assert.Contains("FashionMnist.Load takes a directory", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0x08, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, "65536 × 65536 × 0 u8")]
    [InlineData(new byte[] { 0, 0, 0x0E, 4, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0 }, "2147483647 × 2147483647 × 2147483647 × 0 f64")]
    public void A_header_with_a_zero_dimension_declares_no_data_however_large_the_others(byte[] content, string declared)
    {
        // No elements, so no bytes: never "more than 2⁶⁴ bytes". Whether MiniNet's Shape holds such a shape is
        // Shape's business: the reader either loads the empty array or refuses it naming the file, never with Shape's ArgumentException.
        foreach (var file in new[] { content, Gzip(content) })
        {
            try
            {
                var array = IdxFile.Read(new MemoryStream(file), "empty.idx");
                Assert.Equal(0, array.ElementCount);
                Assert.Equal(0, array.Shape.ElementCount);
            }
            catch (InvalidDataException e)
            {
                Assert.Contains($"IDX file 'empty.idx': the header declares the shape {declared}, which a MiniNet shape cannot hold", e.Message);
            }
        }
        Assert.Throws<InvalidDataException>(() => IdxFile.Read(new MemoryStream([.. content, 1]), "empty.idx")); // and no byte may follow
    }

    [Fact]
    public void The_item_size_of_an_empty_array_with_huge_items_is_refused_not_wrapped()
    {
        // 65536 × 65536 wraps to 0 in 32 bits. Once Shape allows empty shapes with huge dimensions, ItemSize must say so.
        IdxArray empty;
        try { empty = new IdxArray(Array.Empty<byte>(), [0, 65536, 65536]); }
        catch (ArgumentException) { return; } // this Shape refuses the shape itself
        Assert.Equal(0, empty.Count);
        var error = Assert.Throws<InvalidOperationException>(() => empty.ItemSize);
        Assert.Contains("IdxArray.ItemSize: an item of an array of shape [0, 65536, 65536] would hold more than 2,147,483,647 elements", error.Message);
    }

    [Fact]
    public void Writing_replaces_the_file_atomically_and_leaves_no_temporary_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("labels.idx");
        IdxFile.Write(path, new IdxArray(new byte[] { 1, 2 }, [2]), gzip: false);
        IdxFile.Write(path, new IdxArray(new byte[] { 3, 4, 5 }, [3]), gzip: false);
        Assert.Equal(new byte[] { 3, 4, 5 }, IdxFile.Read(path).AsSpan<byte>().ToArray());
        Assert.Equal(["labels.idx"], dir.FileNames());
    }

    internal static byte[] Gzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress)) gzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>A stream that can only be read forward, as a network or pipe stream.</summary>
    internal sealed class ForwardOnlyStream(byte[] content) : Stream
    {
        private readonly MemoryStream _inner = new(content);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 3)); // short reads too
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
