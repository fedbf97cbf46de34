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
/// The reader trusts nothing in the header: the size it declares is checked (in 64-bit arithmetic that
/// cannot overflow) before anything is allocated, and against the bytes actually there, so a corrupt
/// header fails at once with a message naming the file instead of exhausting memory. Compressed data,
/// whose length is unknown in advance, is read into a buffer that grows only as the data arrives.
/// </remarks>
public static class IdxFile
{
    private const int InitialBufferBytes = 1 << 20; // for data of unknown length; doubles as the data arrives
    private const int ChunkBytes = 1 << 30;          // the most one read or byte swap handles at once
    private const int WriteBufferBytes = 1 << 16;

    /// <summary>Reads the IDX file at <paramref name="path"/>, raw or gzip-compressed.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX file; the message names it and says what is wrong.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return Read(file, path);
    }

    /// <summary>
    /// Reads one IDX array, raw or gzip-compressed, from the current position of <paramref name="stream"/>
    /// to its end (the stream is left open).
    /// </summary>
    /// <param name="stream">The stream; it need not be seekable.</param>
    /// <param name="name">What to call the data in error messages (a file name or URL).</param>
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

        if (!compressed) return ReadArray(source, name, lengthKnown: source.CanSeek);
        using var decompressed = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
        return ReadArray(decompressed, name, lengthKnown: false);
    }

    private static IdxArray ReadArray(Stream source, string name, bool lengthKnown)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = ReadFully(source, magic, name);
        if (got < magic.Length)
            throw Error(name, got == 0 ? "the file is empty; an IDX file starts with a 4-byte magic number"
                : $"the file ends after {got} bytes, inside the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw Error(name, $"not an IDX file: it starts with the bytes 0x{magic[0]:X2} 0x{magic[1]:X2}, where an IDX magic number has two zero bytes");
        if (!IdxElementTypeExtensions.IsKnown(magic[2]))
            throw Error(name, $"unknown element type code 0x{magic[2]:X2} in the magic number; IDX defines 0x08 (u8), 0x09 (i8), 0x0B (i16), 0x0C (i32), 0x0D (f32) and 0x0E (f64)");
        var type = (IdxElementType)magic[2];
        int rank = magic[3];
        if (rank is 0 or > IdxArray.MaxRank)
            throw Error(name, $"the header declares {rank} dimensions; an IDX array has 1 to {IdxArray.MaxRank}");

        Span<byte> dimensionBytes = stackalloc byte[4 * rank];
        got = ReadFully(source, dimensionBytes, name);
        if (got < dimensionBytes.Length)
            throw Error(name, $"the file ends inside the header: it declares {rank} dimensions but holds only {got} of their {dimensionBytes.Length} bytes");
        var dimensions = new ulong[rank];
        for (int d = 0; d < rank; d++) dimensions[d] = BinaryPrimitives.ReadUInt32BigEndian(dimensionBytes[(4 * d)..]);
        string declared = $"{string.Join(" × ", dimensions)} {type.ShortName()}";

        // Checked 64-bit arithmetic: (2³² − 1)⁴ elements overflow it, and must be refused, not wrapped.
        ulong elementCount = 1, byteCount = 0;
        bool overflow = false;
        foreach (ulong dimension in dimensions) overflow |= Math.BigMul(elementCount, dimension, out elementCount) != 0;
        overflow |= Math.BigMul(elementCount, (ulong)type.ByteSize(), out byteCount) != 0;
        if (overflow)
            throw Error(name, $"the header declares {declared} elements, more than 2⁶⁴ bytes: the header is corrupt");
        if (elementCount > (ulong)Array.MaxLength)
            throw Error(name, $"the header declares {declared} = {elementCount:N0} elements, more than the {Array.MaxLength:N0} an array can hold: the header is corrupt");
        for (int d = 0; d < rank; d++)
            if (dimensions[d] > int.MaxValue)
                throw Error(name, $"dimension {d} of {declared} is {dimensions[d]:N0}, above the largest supported, 2³¹ − 1");

        if (lengthKnown)
        {
            long remaining = source.Length - source.Position;
            if (remaining < (long)byteCount)
                throw Error(name, $"the data is truncated: the header declares {declared} = {byteCount:N0} bytes of data, but only {remaining:N0} follow");
            if (remaining > (long)byteCount)
                throw Error(name, $"{remaining - (long)byteCount:N0} trailing bytes follow the {byteCount:N0} bytes of data that the header declares ({declared})");
        }

        int count = (int)elementCount, size = type.ByteSize();
        Array data = type switch
        {
            IdxElementType.UInt8 => ReadElements<byte>(source, count, size, lengthKnown, name, declared),
            IdxElementType.Int8 => ReadElements<sbyte>(source, count, size, lengthKnown, name, declared),
            IdxElementType.Int16 => ReadElements<short>(source, count, size, lengthKnown, name, declared),
            IdxElementType.Int32 => ReadElements<int>(source, count, size, lengthKnown, name, declared),
            IdxElementType.Float32 => ReadElements<float>(source, count, size, lengthKnown, name, declared),
            _ => ReadElements<double>(source, count, size, lengthKnown, name, declared),
        };
        var shape = new int[rank];
        for (int d = 0; d < rank; d++) shape[d] = (int)dimensions[d];
        return new IdxArray(data, type, shape);
    }

    /// <summary>
    /// Reads <paramref name="count"/> big-endian elements into native order. With the length unknown
    /// (compressed data) the buffer starts small and doubles as bytes arrive, so a header that declares
    /// more than the data holds costs at most twice the data actually there.
    /// </summary>
    private static T[] ReadElements<T>(Stream source, int count, int size, bool lengthKnown, string name, string declared)
        where T : unmanaged
    {
        long total = (long)count * size, filled = 0;
        int capacity = lengthKnown ? count : Math.Min(count, InitialBufferBytes / size);
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
        long trailing = CountRemaining(source, name);
        if (trailing > 0)
            throw Error(name, $"{trailing:N0} trailing bytes follow the {total:N0} bytes of data that the header declares ({declared})");
        if (BitConverter.IsLittleEndian)
            for (int start = 0; start < count; start += ChunkBytes / size)
                SwapBytes(MemoryMarshal.AsBytes(data.AsSpan(start, Math.Min(count - start, ChunkBytes / size))), size);
        return data;
    }

    /// <summary>
    /// Writes <paramref name="array"/> to <paramref name="path"/> as an IDX file, gzip-compressed (at the
    /// smallest size) when <paramref name="gzip"/> is true. The file is replaced atomically: a failure
    /// leaves any previous file as it was.
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
    private static int ReadFully(Stream source, Span<byte> buffer, string name)
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

    /// <summary>Drains the stream, counting the bytes left (for the trailing-data message).</summary>
    private static long CountRemaining(Stream source, string name)
    {
        Span<byte> probe = stackalloc byte[1];
        if (ReadSome(source, probe, name) == 0) return 0;
        var buffer = ArrayPool<byte>.Shared.Rent(WriteBufferBytes);
        try
        {
            long count = 1;
            for (int read; (read = ReadSome(source, buffer, name)) > 0;) count += read;
            return count;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One read, with the decompressor's complaints about corrupt gzip data given the file's name.</summary>
    private static int ReadSome(Stream source, Span<byte> buffer, string name)
    {
        try
        {
            return source.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw Error(name, $"the gzip data is corrupt ({e.Message.TrimEnd('.')})", e);
        }
    }

    private static InvalidDataException Error(string name, string problem, Exception? inner = null) =>
        new($"IDX file '{name}': {problem}.", inner);
}
