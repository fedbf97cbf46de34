using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using MiniNet.Serialization;

namespace MiniNet.Data;

/// <summary>
/// Reads and writes IDX files, the format of MNIST and Fashion-MNIST: a magic number (two zero bytes,
/// an element-type code, the number of dimensions), each dimension as a big-endian 32-bit integer, then
/// the elements in row-major order, big-endian. Files may be gzip-compressed; the reader tells by the
/// content (the gzip bytes 1F 8B), not by the file name.
/// </summary>
/// <remarks>
/// The reader trusts nothing in a file. The size the header declares is checked (in 64-bit arithmetic that
/// cannot overflow) before anything is allocated, and against the bytes actually there, so a corrupt header
/// fails at once with a message naming the file instead of exhausting memory. Gzip data is checked whole: each
/// member's header, its CRC-32 and length, and nothing but further members after it (several members are
/// read as one, as gzip(1) reads them; trailing garbage is refused).
/// <para>
/// Memory never exceeds the size the header declares. From a file (or any seekable stream), compressed data must
/// declare no more than deflate can expand the file's bytes to (1032-fold); if the gzip trailer confirms the
/// declared size, the data goes straight into one array of that size, and if not, it is first counted without
/// being stored, so a file that expands to more or less than its header says is refused having stored nothing
/// (and one that expands to more is refused 64 KiB past the declared size, not decompressed to its end). From a
/// stream that cannot seek, compressed data is stored as it arrives, in a buffer that grows with it (to at most
/// twice what arrived), and is refused as soon as it goes 64 KiB past the declared size.
/// </para>
/// </remarks>
public static class IdxFile
{
    private const int InitialBufferBytes = 1 << 20; // for data of unknown length; doubles as the data arrives
    private const int ChunkBytes = 1 << 30;          // the most one read or byte swap handles at once
    private const int WriteBufferBytes = 1 << 16;
    private const int TrailingBytesCounted = 1 << 16; // after the data, so many more bytes are counted for the message, no more
    private const long DeflateMaxExpansion = 1032;    // deflate's limit: a 258-byte match in two 1-bit codes

    /// <summary>Reads the IDX file at <paramref name="path"/>, raw or gzip-compressed.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX file (raw or gzip); the message names it and says what is wrong.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">A directory on <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read, or <paramref name="path"/> names a directory (the message says so).</exception>
    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Unbuffered: the reader reads the data in large pieces, and compressed data through a buffer of its own.
        using var file = InputFile.Open(path, "IDX file", "give the path of an IDX file in it (FashionMnist.Load takes a directory)", bufferSize: 0);
        return Read(file, path);
    }

    /// <summary>
    /// Reads one IDX array, raw or gzip-compressed, from the current position of <paramref name="stream"/>
    /// to its end (the stream is left open).
    /// </summary>
    /// <param name="stream">The stream; it need not be seekable (if it is, compressed data is counted before it is stored, see the remarks of <see cref="IdxFile"/>).</param>
    /// <param name="name">What to call the data in error messages (a file name or URL).</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="InvalidDataException">The data is not a well-formed IDX array; the message names <paramref name="name"/> and says what is wrong.</exception>
    public static IdxArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> start = stackalloc byte[2];
        int startLength = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        bool compressed = startLength == 2 && start[0] == 0x1F && start[1] == 0x8B;
        Stream source = stream;
        if (stream.CanSeek) stream.Seek(-startLength, SeekOrigin.Current);
        else source = new PrefixedStream(start[..startLength].ToArray(), stream);

        if (!compressed) return ReadArray(source, name, source.CanSeek ? source.Length - source.Position : null);
        if (source.CanSeek) return ReadSeekableGzip(source, name);
        using var decompressed = new GzipReader(source);
        return ReadArray(decompressed, name, knownLength: null);
    }

    /// <summary>Reads a header and its data from <paramref name="source"/>, whose length from here is <paramref name="knownLength"/> when known.</summary>
    private static IdxArray ReadArray(Stream source, string name, long? knownLength)
    {
        var header = IdxHeader.Read(source, name);
        if (knownLength is long length)
        {
            long remaining = length - header.Length;
            if (remaining < header.ByteCount)
                throw Error(name, $"the data is truncated: the header declares {header.Declared} = {header.ByteCount:N0} bytes of data, but only {remaining:N0} follow");
            if (remaining > header.ByteCount)
                throw Error(name, $"{remaining - header.ByteCount:N0} trailing bytes follow the {header.ByteCount:N0} bytes of data that the header declares ({header.Declared})");
        }
        return ReadData(source, header, name, exactSize: knownLength is not null);
    }

    /// <summary>
    /// Gzip data from a seekable stream: sizes are settled before the data is stored. The declared size must be one
    /// deflate can reach from the compressed bytes; if the trailer (of the last member) confirms it, the data is
    /// read straight into an array of that size; if not, it is counted first (in a small buffer) and refused when
    /// it differs, and read again only when it matches (several members).
    /// </summary>
    private static IdxArray ReadSeekableGzip(Stream stream, string name)
    {
        long origin = stream.Position, compressedLength = stream.Length - origin;
        uint? lastMemberLength = null;
        if (compressedLength >= 18) // a gzip member's header and trailer alone take 18 bytes
        {
            Span<byte> trailerLength = stackalloc byte[4];
            stream.Position = stream.Length - 4;
            stream.ReadExactly(trailerLength);
            lastMemberLength = BinaryPrimitives.ReadUInt32LittleEndian(trailerLength);
            stream.Position = origin;
        }
        using (var decompressed = new GzipReader(stream))
        {
            var header = IdxHeader.Read(decompressed, name);
            long total = header.Length + header.ByteCount;
            if (total > DeflateMaxExpansion * compressedLength)
                throw Error(name, $"the header declares {header.Declared} = {header.ByteCount:N0} bytes of data, but {compressedLength:N0} bytes of gzip data "
                    + $"cannot hold that many (deflate expands data at most {DeflateMaxExpansion}-fold): the file is truncated or its header is corrupt");
            if (lastMemberLength == (uint)total) return ReadData(decompressed, header, name, exactSize: true);
            CountData(decompressed, header, name);
        }
        stream.Position = origin;
        using var again = new GzipReader(stream);
        return ReadData(again, IdxHeader.Read(again, name), name, exactSize: true);
    }

    /// <summary>Counts the data after the header, to the end, without storing it; refuses any count but the declared one.</summary>
    private static void CountData(Stream source, IdxHeader header, string name)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(WriteBufferBytes);
        try
        {
            long count = 0, limit = header.ByteCount + TrailingBytesCounted + 1;
            for (int read; count < limit && (read = ReadSome(source, buffer.AsSpan(0, (int)Math.Min(buffer.Length, limit - count)), name)) > 0;)
                count += read;
            if (count < header.ByteCount)
                throw Error(name, $"the data is truncated: the header declares {header.Declared} = {header.ByteCount:N0} bytes of data, but only {count:N0} follow");
            if (count > header.ByteCount) throw TrailingData(name, header, count - header.ByteCount);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IdxArray ReadData(Stream source, IdxHeader header, string name, bool exactSize)
    {
        var shape = header.ToShape(name);
        int count = (int)header.ElementCount, size = header.ElementType.ByteSize();
        Array data = header.ElementType switch
        {
            IdxElementType.UInt8 => ReadElements<byte>(source, count, size, exactSize, name, header.Declared),
            IdxElementType.Int8 => ReadElements<sbyte>(source, count, size, exactSize, name, header.Declared),
            IdxElementType.Int16 => ReadElements<short>(source, count, size, exactSize, name, header.Declared),
            IdxElementType.Int32 => ReadElements<int>(source, count, size, exactSize, name, header.Declared),
            IdxElementType.Float32 => ReadElements<float>(source, count, size, exactSize, name, header.Declared),
            _ => ReadElements<double>(source, count, size, exactSize, name, header.Declared),
        };
        CheckEnd(source, header, name);
        return new IdxArray(data, header.ElementType, shape);
    }

    /// <summary>
    /// Reads <paramref name="count"/> big-endian elements into native order. Unless the size is known to be
    /// there (<paramref name="exactSize"/>), the buffer starts small and doubles as bytes arrive, so a header
    /// that declares more than the data holds costs at most twice the data actually there.
    /// </summary>
    private static T[] ReadElements<T>(Stream source, int count, int size, bool exactSize, string name, string declared)
        where T : unmanaged
    {
        long total = (long)count * size, filled = 0;
        int capacity = exactSize ? count : Math.Min(count, InitialBufferBytes / size);
        var data = GC.AllocateUninitializedArray<T>(capacity);
        while (filled < total)
        {
            if (filled == (long)capacity * size)
            {
                capacity = (int)Math.Min(count, 2L * capacity);
                Array.Resize(ref data, capacity);
            }
            int element = (int)(filled / size), within = (int)(filled % size);
            int span = Math.Min(capacity - element, ChunkBytes / size);
            int read = ReadSome(source, MemoryMarshal.AsBytes(data.AsSpan(element, span))[within..], name);
            if (read == 0)
                throw Error(name, $"the data is truncated: the header declares {declared} = {total:N0} bytes of data, but only {filled:N0} follow");
            filled += read;
        }
        if (BitConverter.IsLittleEndian)
            for (int start = 0; start < count; start += ChunkBytes / size)
                SwapBytes(MemoryMarshal.AsBytes(data.AsSpan(start, Math.Min(count - start, ChunkBytes / size))), size);
        return data;
    }

    /// <summary>
    /// Checks that nothing follows the data, reading to the end (which, for gzip data, checks the last trailer).
    /// A few trailing bytes are counted for the message; beyond that the data is refused without reading on.
    /// </summary>
    private static void CheckEnd(Stream source, IdxHeader header, string name)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(TrailingBytesCounted + 1);
        try
        {
            int trailing = ReadFully(source, buffer.AsSpan(0, TrailingBytesCounted + 1), name);
            if (trailing > 0) throw TrailingData(name, header, trailing);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static InvalidDataException TrailingData(string name, IdxHeader header, long trailing) =>
        Error(name, trailing > TrailingBytesCounted
            ? $"the data goes on past the {header.ByteCount:N0} bytes that the header declares ({header.Declared}): more than {TrailingBytesCounted:N0} trailing bytes follow"
            : $"{trailing:N0} trailing bytes follow the {header.ByteCount:N0} bytes of data that the header declares ({header.Declared})");

    /// <summary>
    /// Writes <paramref name="array"/> to <paramref name="path"/> as an IDX file, gzip-compressed (at the
    /// smallest size) when <paramref name="gzip"/> is true. The file is replaced atomically: a failure
    /// leaves any previous file as it was (and a crash a hidden temporary file, which the next write of the same
    /// path deletes, as <see cref="Serialization.SafeTensors.Save(string, IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, string})"/> describes).
    /// </summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IdxArray array, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, file =>
        {
            if (!gzip)
            {
                Write(file, array);
                return;
            }
            using var compressed = new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true);
            Write(compressed, array);
        });
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="stream"/> as a raw (uncompressed) IDX array.</summary>
    public static void Write(Stream stream, IdxArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        Span<byte> header = stackalloc byte[4 + 4 * IdxArray.MaxRank];
        header[0] = header[1] = 0;
        header[2] = (byte)array.ElementType;
        header[3] = (byte)array.Shape.Rank;
        for (int d = 0; d < array.Shape.Rank; d++) BinaryPrimitives.WriteUInt32BigEndian(header[(4 + 4 * d)..], (uint)array.Shape[d]);
        stream.Write(header[..(4 + 4 * array.Shape.Rank)]);
        switch (array.ElementType)
        {
            case IdxElementType.UInt8: stream.Write(array.AsSpan<byte>()); break;
            case IdxElementType.Int8: stream.Write(MemoryMarshal.AsBytes(array.AsSpan<sbyte>())); break;
            case IdxElementType.Int16: WriteBigEndian(stream, array.AsSpan<short>(), sizeof(short)); break;
            case IdxElementType.Int32: WriteBigEndian(stream, array.AsSpan<int>(), sizeof(int)); break;
            case IdxElementType.Float32: WriteBigEndian(stream, array.AsSpan<float>(), sizeof(float)); break;
            default: WriteBigEndian(stream, array.AsSpan<double>(), sizeof(double)); break;
        }
    }

    private static void WriteBigEndian<T>(Stream stream, ReadOnlySpan<T> values, int size) where T : unmanaged
    {
        var buffer = ArrayPool<byte>.Shared.Rent(WriteBufferBytes);
        try
        {
            int perChunk = WriteBufferBytes / size;
            for (int start = 0; start < values.Length; start += perChunk)
            {
                var chunk = values.Slice(start, Math.Min(perChunk, values.Length - start));
                var bytes = buffer.AsSpan(0, chunk.Length * size);
                MemoryMarshal.AsBytes(chunk).CopyTo(bytes);
                if (BitConverter.IsLittleEndian) SwapBytes(bytes, size);
                stream.Write(bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reverses the byte order of each <paramref name="size"/>-byte element (big-endian ↔ little-endian).</summary>
    private static void SwapBytes(Span<byte> bytes, int size)
    {
        switch (size)
        {
            case 2: var s = MemoryMarshal.Cast<byte, short>(bytes); BinaryPrimitives.ReverseEndianness(s, s); break;
            case 4: var i = MemoryMarshal.Cast<byte, int>(bytes); BinaryPrimitives.ReverseEndianness(i, i); break;
            case 8: var l = MemoryMarshal.Cast<byte, long>(bytes); BinaryPrimitives.ReverseEndianness(l, l); break;
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the data ends; returns the bytes read.</summary>
    internal static int ReadFully(Stream source, Span<byte> buffer, string name)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = ReadSome(source, buffer[total..], name);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    /// <summary>One read, with the gzip reader's complaints about corrupt data given the file's name.</summary>
    private static int ReadSome(Stream source, Span<byte> buffer, string name)
    {
        try
        {
            return source.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw Error(name, e.Message, e);
        }
    }

    /// <summary>The refusal of a malformed file: "IDX file '<paramref name="name"/>': <paramref name="problem"/>."</summary>
    internal static InvalidDataException Error(string name, string problem, Exception? inner = null) =>
        new($"IDX file '{name}': {problem.TrimEnd('.')}.", inner);
}
