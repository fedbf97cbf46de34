using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace MiniNet.Data;

/// <summary>
/// Decompresses gzip data (RFC 1952) and checks every part of its framing that .NET's <see cref="GZipStream"/>
/// lets pass or reports as "unsupported compression method": each member's header (magic, method, reserved
/// flags, the optional extra field, name, comment and header CRC), its deflate data (decoded by
/// <see cref="DeflateStream"/>), and its trailer, whose CRC-32 and length must match the data. Several members
/// one after the other are read as one stream, as gzip(1) reads them; anything else after a member (trailing
/// garbage, even zeros) is refused, and so is a file that ends before its last trailer does.
/// </summary>
/// <remarks>
/// Every problem is an <see cref="InvalidDataException"/> whose message says what is wrong and where, without
/// the file's name (the caller adds it). <see cref="DeflateStream"/> reads its input ahead and does not say where
/// the deflate data ended, so the reader hands it the input in pieces and, when a member's data ends, finds the
/// trailer in the last piece: the first place where the CRC-32 and length of the data just decoded follow. Only
/// when there is none does it work out the exact end (by decoding the member again, one byte at a time near its
/// end, if the source can seek), to say precisely what is wrong with the trailer.
/// </remarks>
internal sealed class GzipReader : Stream
{
    private const int InputBytes = 1 << 16;
    private const int MaxPiece = InputBytes / 4; // what the decoder gets at once: small enough that a piece and a trailer fit the input
    private const byte FlagHeaderCrc = 0x02, FlagExtra = 0x04, FlagName = 0x08, FlagComment = 0x10, FlagsReserved = 0xE0;

    private readonly Stream _source;
    private readonly long _origin;               // the source's position where the gzip data starts (when it can seek)
    private byte[] _input = ArrayPool<byte>.Shared.Rent(InputBytes);
    private int _start, _end;                    // the input read from the source but not yet used: _input[_start.._end)
    private long _inputOffset;                   // the offset in the gzip data of _input[0]
    private bool _sourceEnded;

    private DeflateStream? _deflate;             // the current member's compressed data; null between members
    private int _sliceStart, _sliceEnd;          // the piece of input the DeflateStream took last
    private bool _deflateStarved;                // the DeflateStream asked for input after the source had ended
    private int _member;                         // the number of the current (or last) member, from 1
    private long _memberOffset, _deflateOffset;  // where the current member and its deflate data start
    private uint _crc;                           // the running CRC-32 of the current member's data
    private long _memberLength;                  // the bytes of data the current member has given so far

    /// <summary>Reads gzip data from the current position of <paramref name="source"/>, which is left open.</summary>
    public GzipReader(Stream source)
    {
        _source = source;
        _origin = source.CanSeek ? source.Position : 0;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Decompressed data; 0 at the end of the last member, once its trailer and the end of the input are checked.</summary>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_input.Length == 0, this);
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (_deflate is null && !StartMember()) return 0;
            int read;
            try
            {
                read = _deflate!.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                // .NET says "unsupported compression method" for any corrupt deflate data: say what we know instead.
                throw Problem($"the compressed (deflate) data of gzip member {_member} is corrupt: it cannot be decoded "
                    + $"(the decoder failed within bytes {_inputOffset + _sliceStart:N0}–{_inputOffset + _sliceEnd:N0})", e);
            }
            if (read > 0)
            {
                _crc = Crc32.Append(_crc, buffer[..read]);
                _memberLength += read;
                return read;
            }
            if (_deflateStarved)
                throw Problem($"the file ends inside the compressed data of gzip member {_member}, after {_inputOffset + _end:N0} bytes: it is truncated");
            FinishMember();
        }
    }

    /// <summary>Parses the header of the next member, if any input is left, and starts decoding its data.</summary>
    private bool StartMember()
    {
        if (!EnsureInput(1))
        {
            if (_member == 0) throw Problem("the gzip data is empty");
            return false;
        }
        _memberOffset = _inputOffset + _start;
        if (!EnsureInput(2) || _input[_start] != 0x1F || _input[_start + 1] != 0x8B)
            throw _member == 0
                ? Problem($"not gzip data: it starts with 0x{_input[_start]:X2}, where gzip starts with 0x1F 0x8B")
                : Problem($"{DescribeRest()} follow gzip member {_member}, which ends at byte {_memberOffset:N0}; "
                    + $"they start with {StartBytes()}, not with another gzip member (0x1F 0x8B): trailing garbage is not allowed");
        _member++;
        if (!EnsureInput(10))
            throw Problem($"the file ends inside the 10-byte header of gzip member {_member}, which starts at byte {_memberOffset:N0}");
        byte method = _input[_start + 2], flags = _input[_start + 3];
        if (method != 8)
            throw Problem($"gzip member {_member} (at byte {_memberOffset:N0}) declares compression method {method}; gzip defines only 8, deflate");
        if ((flags & FlagsReserved) != 0)
            throw Problem($"gzip member {_member} (at byte {_memberOffset:N0}) sets reserved flag bits (flags 0x{flags:X2}); RFC 1952 requires them to be zero");
        uint headerCrc = Consume(10, Crc32.Initial);
        if ((flags & FlagExtra) != 0)
        {
            if (!EnsureInput(2)) throw HeaderCut("the length of the extra field");
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(_input.AsSpan(_start));
            headerCrc = Skip(2 + extraLength, headerCrc, "the extra field");
        }
        if ((flags & FlagName) != 0) headerCrc = SkipZeroTerminated(headerCrc, "the file name");
        if ((flags & FlagComment) != 0) headerCrc = SkipZeroTerminated(headerCrc, "the comment");
        if ((flags & FlagHeaderCrc) != 0)
        {
            if (!EnsureInput(2)) throw HeaderCut("the header CRC");
            ushort stored = BinaryPrimitives.ReadUInt16LittleEndian(_input.AsSpan(_start)), actual = (ushort)Crc32.Finish(headerCrc);
            if (stored != actual)
                throw Problem($"the header CRC of gzip member {_member} is 0x{stored:X4}, but its header's CRC is 0x{actual:X4}: the header is corrupt");
            _start += 2;
        }
        _deflateOffset = _inputOffset + _start;
        _deflate = new DeflateStream(new Feed(this), CompressionMode.Decompress, leaveOpen: false);
        _deflateStarved = false;
        _crc = Crc32.Initial;
        _memberLength = 0;
        return true;
    }

    /// <summary>
    /// The member's deflate data has ended somewhere in the last piece the decoder took, and its trailer follows:
    /// the place there followed by the CRC-32 and length (mod 2³²) of the data. Checks it and moves past it.
    /// </summary>
    private void FinishMember()
    {
        Span<byte> expected = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, Crc32.Finish(_crc));
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], (uint)_memberLength);
        long sliceOffset = _inputOffset + _sliceStart;
        int candidates = _sliceEnd - _sliceStart + 1; // the trailer starts at one of these offsets
        _start = _sliceStart;
        EnsureInput(candidates - 1 + expected.Length + 2); // and the start of what follows it
        var window = _input.AsSpan(_start, Math.Min(_end - _start, candidates - 1 + expected.Length));
        int found = window.IndexOf(expected);
        if (found < 0) throw TrailerProblem(sliceOffset);
        if (window[(found + 1)..].IndexOf(expected) >= 0)
        {
            // More than one place fits: the data's last bytes and its trailer together repeat the pattern (an empty
            // member ends 0x00 before a trailer of zeros). Only the exact end of the deflate data tells which is the trailer.
            found = ExactTrailerStart(sliceOffset, window, expected);
        }
        _start += found + expected.Length;
        _deflate!.Dispose();
        _deflate = null;
    }

    /// <summary>
    /// Which of the places in <paramref name="window"/> that hold <paramref name="expected"/> is the trailer: from a
    /// seekable source, the one where the deflate data exactly ends; otherwise the first after which the input ends
    /// or another member begins, as it must.
    /// </summary>
    private int ExactTrailerStart(long sliceOffset, ReadOnlySpan<byte> window, ReadOnlySpan<byte> expected)
    {
        if (_source.CanSeek)
        {
            long resume = _source.Position;
            long? end = FindDeflateEnd(sliceOffset);
            _source.Position = resume;
            if (end is long exact && exact - sliceOffset < window.Length - expected.Length + 1
                && window.Slice((int)(exact - sliceOffset), expected.Length).SequenceEqual(expected))
                return (int)(exact - sliceOffset);
        }
        int first = window.IndexOf(expected);
        for (int candidate = first; candidate + expected.Length <= window.Length; candidate++)
        {
            if (!window.Slice(candidate, expected.Length).SequenceEqual(expected)) continue;
            int next = _start + candidate + expected.Length;
            bool endsThere = next == _end && _sourceEnded;
            bool memberThere = next + 1 < _end && _input[next] == 0x1F && _input[next + 1] == 0x8B;
            if (endsThere || memberThere) return candidate;
        }
        return first;
    }

    /// <summary>Says what is wrong with a trailer that does not match its data, as precisely as the source allows.</summary>
    private InvalidDataException TrailerProblem(long sliceOffset)
    {
        uint actualCrc = Crc32.Finish(_crc), actualLength = (uint)_memberLength;
        long? end = FindDeflateEnd(sliceOffset);
        if (end is null)
            return Problem($"no trailer holding its data's CRC-32 (0x{actualCrc:X8}) and length ({_memberLength:N0} bytes) follows the compressed data "
                + $"of gzip member {_member}, which ends within bytes {sliceOffset:N0}–{_inputOffset + _sliceEnd:N0}: the file is truncated or corrupt");
        Span<byte> trailer = stackalloc byte[8];
        _source.Position = _origin + end.Value;
        int got = _source.ReadAtLeast(trailer, trailer.Length, throwOnEndOfStream: false);
        if (got < trailer.Length)
            return Problem(got == 0
                ? $"the file ends where the 8-byte trailer of gzip member {_member} should begin (byte {end:N0}): it is truncated"
                : $"the file ends {got} bytes into the 8-byte trailer of gzip member {_member} (which begins at byte {end:N0}): it is truncated");
        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer), storedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (storedCrc != actualCrc)
            return Problem($"the trailer of gzip member {_member} (at byte {end:N0}) holds the CRC-32 0x{storedCrc:X8}, but the data decoded is 0x{actualCrc:X8}: "
                + "the file is corrupt");
        return Problem($"the trailer of gzip member {_member} (at byte {end:N0}) gives its length as {storedLength:N0} bytes (mod 2³²), "
            + $"but it holds {_memberLength:N0}{(_memberLength > uint.MaxValue ? $" (≡ {actualLength:N0})" : "")}: the file is corrupt");
    }

    /// <summary>
    /// The offset just past the current member's deflate data, found by decoding it again from the source and
    /// handing the decoder single bytes from <paramref name="sliceOffset"/> on; null if the source cannot seek.
    /// </summary>
    private long? FindDeflateEnd(long sliceOffset)
    {
        if (!_source.CanSeek) return null;
        _source.Position = _origin + _deflateOffset;
        var feed = new ReplayFeed(_source, byteByByteAfter: sliceOffset - _deflateOffset);
        using var deflate = new DeflateStream(feed, CompressionMode.Decompress, leaveOpen: true);
        var scratch = ArrayPool<byte>.Shared.Rent(InputBytes);
        try
        {
            while (deflate.Read(scratch) > 0) { }
        }
        catch (InvalidDataException)
        {
            return null; // cannot happen for data that decoded the first time; say less rather than something wrong
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
        return feed.Ended ? null : _deflateOffset + feed.Given;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes of input available from <see cref="_start"/>; false if the source ends first.</summary>
    private bool EnsureInput(int count)
    {
        while (_end - _start < count)
        {
            if (_sourceEnded) return false;
            if (_input.Length - _start < count)
            {
                // Keep the unused bytes, at the front.
                _input.AsSpan(_start, _end - _start).CopyTo(_input);
                _inputOffset += _start;
                _sliceStart -= _start;
                _sliceEnd -= _start;
                _end -= _start;
                _start = 0;
            }
            int read = _source.Read(_input.AsSpan(_end));
            if (read == 0) _sourceEnded = true;
            _end += read;
        }
        return true;
    }

    /// <summary>Consumes <paramref name="count"/> available bytes of header, adding them to <paramref name="crc"/>.</summary>
    private uint Consume(int count, uint crc)
    {
        crc = Crc32.Append(crc, _input.AsSpan(_start, count));
        _start += count;
        return crc;
    }

    private uint Skip(int count, uint crc, string field)
    {
        while (count > 0)
        {
            if (!EnsureInput(1)) throw HeaderCut(field);
            int step = Math.Min(count, _end - _start);
            crc = Consume(step, crc);
            count -= step;
        }
        return crc;
    }

    private uint SkipZeroTerminated(uint crc, string field)
    {
        while (true)
        {
            if (!EnsureInput(1)) throw HeaderCut(field);
            int zero = _input.AsSpan(_start, _end - _start).IndexOf((byte)0);
            if (zero >= 0) return Consume(zero + 1, crc);
            crc = Consume(_end - _start, crc);
        }
    }

    /// <summary>The piece of input the decoder asks for next: it asks only when it has used all it was given.</summary>
    private int FeedDecoder(Span<byte> destination)
    {
        if (_start == _end)
        {
            _inputOffset += _end;
            _start = _end = 0;
            int read = _sourceEnded ? 0 : _source.Read(_input);
            if (read == 0)
            {
                _sourceEnded = _deflateStarved = true;
                return 0;
            }
            _end = read;
        }
        int count = Math.Min(Math.Min(destination.Length, MaxPiece), _end - _start);
        _input.AsSpan(_start, count).CopyTo(destination);
        _sliceStart = _start;
        _start += count;
        _sliceEnd = _start;
        return count;
    }

    private string DescribeRest()
    {
        if (!_source.CanSeek) return "bytes";
        long rest = _source.Length - _origin - _memberOffset;
        return rest == 1 ? "1 byte" : $"{rest:N0} bytes";
    }

    private string StartBytes() => _end - _start >= 2 ? $"0x{_input[_start]:X2} 0x{_input[_start + 1]:X2}" : $"0x{_input[_start]:X2}";

    private InvalidDataException HeaderCut(string field) =>
        Problem($"the file ends inside {field} in the header of gzip member {_member}, which starts at byte {_memberOffset:N0}");

    private static InvalidDataException Problem(string problem, Exception? inner = null) => new(problem, inner);

    protected override void Dispose(bool disposing)
    {
        if (disposing && _input.Length > 0)
        {
            _deflate?.Dispose();
            ArrayPool<byte>.Shared.Return(_input);
            _input = [];
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>What the <see cref="DeflateStream"/> reads from: the reader's input, in pieces whose bounds the reader notes.</summary>
    private sealed class Feed(GzipReader reader) : Stream
    {
        public override int Read(Span<byte> buffer) => buffer.IsEmpty ? 0 : reader.FeedDecoder(buffer);
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>
    /// The source again, from a member's deflate data: in large pieces up to <c>byteByByteAfter</c> bytes, then one
    /// byte per read, so that when the decoder stops asking, <see cref="Given"/> is exactly where its data ends.
    /// </summary>
    private sealed class ReplayFeed(Stream source, long byteByByteAfter) : Stream
    {
        public long Given { get; private set; }
        public bool Ended { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty) return 0;
            long bulk = byteByByteAfter - Given;
            int read = source.Read(buffer[..(int)Math.Clamp(bulk, 1, buffer.Length)]);
            if (read == 0) Ended = true;
            Given += read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
