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
/// the file's name (the caller adds it). <see cref="DeflateStream"/> takes its input in pieces and does not say
/// where in the last piece the deflate data ended, which is where the trailer begins. So the reader cuts the
/// pieces it hands over: the byte before every place a trailer could begin (8 bytes before the end of the input,
/// and 8 bytes before every 1F 8B 08, which could start another member) goes alone. A well-formed member then
/// always ends on such a single byte, and the reader knows the exact end of its data; a member whose data ends
/// inside a larger piece is malformed whatever follows, and to say exactly how, the member is decoded once more
/// (one byte at a time over that piece) when the source can seek.
/// </remarks>
internal sealed class GzipReader : Stream
{
    private const int InputBytes = 1 << 16;
    private const int MaxPiece = InputBytes / 4; // what the decoder gets at once: small enough that a piece and a trailer fit the input
    // A trailer could begin 8 bytes before a member's 1F 8B 08; its last byte of deflate data is 9 bytes before.
    private const int CutBeforeMember = 9;
    private const int Lookahead = CutBeforeMember + 2; // to see a whole 1F 8B 08 past a piece's last byte
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
    /// The member's deflate data has ended. If it ended on a piece of one byte, the byte before a place where a
    /// trailer may begin, that is exactly where the data ends; otherwise the member is malformed, and the exact end
    /// comes from decoding the member again (or, from a stream that cannot seek, is not known). Then checks the
    /// trailer there against the data and moves past it.
    /// </summary>
    private void FinishMember()
    {
        long sliceOffset = _inputOffset + _sliceStart, sliceEnd = _inputOffset + _sliceEnd;
        long end = _sliceEnd - _sliceStart == 1
            ? sliceEnd
            : FindDeflateEnd(sliceOffset) is long found && found > sliceOffset && found <= sliceEnd ? found : throw Problem(
                $"the compressed data of gzip member {_member} ends within bytes {sliceOffset:N0}–{sliceEnd:N0}, and is not followed there by "
                + $"its trailer (CRC-32 0x{Crc32.Finish(_crc):X8}, length {_memberLength:N0}) and then the end of the data or another gzip member: "
                + "the data is corrupt, cut or followed by garbage");
        _start = (int)(end - _inputOffset); // within the last piece, which is still in the buffer
        CheckTrailer(end);
        _start += 8;
        _deflate!.Dispose();
        _deflate = null;
    }

    /// <summary>Checks the 8-byte trailer at <see cref="_start"/> (offset <paramref name="end"/>): the data's CRC-32 and its length mod 2³².</summary>
    private void CheckTrailer(long end)
    {
        if (!EnsureInput(8))
        {
            int got = _end - _start;
            throw Problem(got == 0
                ? $"the file ends where the 8-byte trailer of gzip member {_member} should begin (byte {end:N0}): it is truncated"
                : $"the file ends {got} bytes into the 8-byte trailer of gzip member {_member} (which begins at byte {end:N0}): it is truncated");
        }
        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(_input.AsSpan(_start));
        uint storedLength = BinaryPrimitives.ReadUInt32LittleEndian(_input.AsSpan(_start + 4));
        uint actualCrc = Crc32.Finish(_crc), actualLength = (uint)_memberLength;
        if (storedCrc != actualCrc)
            throw Problem($"the trailer of gzip member {_member} (at byte {end:N0}) holds the CRC-32 0x{storedCrc:X8}, but the data decoded is 0x{actualCrc:X8}: "
                + "the file is corrupt");
        if (storedLength != actualLength)
            throw Problem($"the trailer of gzip member {_member} (at byte {end:N0}) gives its length as {storedLength:N0} bytes (mod 2³²), "
                + $"but it holds {_memberLength:N0}{(_memberLength > uint.MaxValue ? $" (≡ {actualLength:N0})" : "")}: the file is corrupt");
    }

    /// <summary>
    /// The offset just past the current member's deflate data, found by decoding it again from the source and
    /// handing the decoder single bytes from <paramref name="sliceOffset"/> on; null if the source cannot seek.
    /// </summary>
    private long? FindDeflateEnd(long sliceOffset)
    {
        if (!_source.CanSeek) return null;
        long resume = _source.Position;
        _source.Position = _origin + _deflateOffset;
        var feed = new ReplayFeed(_source, byteByByteAfter: sliceOffset - _deflateOffset);
        var scratch = ArrayPool<byte>.Shared.Rent(InputBytes);
        try
        {
            using var deflate = new DeflateStream(feed, CompressionMode.Decompress, leaveOpen: true);
            while (deflate.Read(scratch) > 0) { }
        }
        catch (InvalidDataException)
        {
            return null; // cannot happen for data that decoded the first time; say less rather than something wrong
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
            _source.Position = resume; // reading goes on from the buffer, then from here
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

    /// <summary>
    /// The piece of input the decoder asks for next (it asks only when it has used all it was given): up to the
    /// next place where a trailer could begin, whose last byte before it goes alone (see the remarks).
    /// </summary>
    private int FeedDecoder(Span<byte> destination)
    {
        if (!EnsureInput(Lookahead + 1) && _start == _end)
        {
            _deflateStarved = true;
            return 0;
        }
        int available = _end - _start;
        int count = Math.Min(Math.Min(destination.Length, MaxPiece), _sourceEnded ? available : available - Lookahead);
        if (_sourceEnded)
        {
            // 8 bytes before the end a trailer could begin: the byte before it, and those after it, go alone.
            int beforeEndCut = available - CutBeforeMember;
            count = beforeEndCut <= 0 ? 1 : Math.Min(count, beforeEndCut);
        }
        if (count > 1)
        {
            int toMember = _input.AsSpan(_start + CutBeforeMember, Math.Min(available - CutBeforeMember, count + 2)).IndexOf(MemberStart);
            if (toMember >= 0) count = Math.Max(1, toMember);
        }
        _input.AsSpan(_start, count).CopyTo(destination);
        _sliceStart = _start;
        _start += count;
        _sliceEnd = _start;
        return count;
    }

    private static ReadOnlySpan<byte> MemberStart => [0x1F, 0x8B, 0x08];

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
