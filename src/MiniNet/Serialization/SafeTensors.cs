using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MiniNet.Serialization;

/// <summary>
/// Saves and loads tensors in the safetensors format (https://github.com/huggingface/safetensors), which
/// PyTorch, JAX and Rust programs read and write: an 8-byte little-endian header length N, N bytes of
/// JSON (<c>{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, …, "__metadata__": {…}}</c>),
/// then the tensors' raw little-endian bytes, back to back. A model's parameters go in under their names
/// (<c>0.weight</c>, <c>layers.2.bias</c>), so Python's <c>safetensors.torch.load_file</c> reads MiniNet's
/// weights and MiniNet reads those saved by <c>save_file</c> (F32, F64 and I64 tensors). MiniNet tensors are
/// float32 or float64: an I64 tensor is read as an integer-valued float64 (<see cref="Tensor.IsIntegerValued"/>, exact up
/// to 2⁵³, refused beyond), and such a tensor — a batch norm's <c>num_batches_tracked</c> — is written back as I64.
/// </summary>
public static class SafeTensors
{
    private const int ChunkBytes = 1 << 20;
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes <paramref name="tensors"/> (and optional string metadata) to <paramref name="path"/> exactly
    /// as the reference implementation does: tensors sorted by dtype (F64 before F32) then by name, the
    /// header padded with spaces to a multiple of 8 bytes, metadata keys in sorted order (the reference
    /// writes them in hash order; with one key the files are byte-identical to Python's <c>save_file</c>).
    /// </summary>
    /// <remarks>
    /// Saving is atomic: the file is written under a temporary name in the same directory, flushed to the
    /// disk, then renamed over <paramref name="path"/>; if anything fails (or the process dies) the
    /// previous file is intact and the temporary file is removed (or, after a crash, left as a hidden
    /// <c>.name.XXXXXXXX.XXX.tmp</c> file). Each save first deletes such leftovers of the same path: those last
    /// written more than ten seconds ago that no process holds open (a save in progress, in this process or
    /// another, holds its temporary file exclusively, so two saves of one path at once never disturb each other).
    /// </remarks>
    /// <exception cref="ArgumentException">A name is <c>__metadata__</c> or not valid Unicode, a metadata key or value is null or not
    /// valid Unicode, or an integer-valued tensor holds a value that is not a whole number in the range of I64.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Save(path, tensors, metadata, wrapOutput: null);

    /// <summary>Saves, writing through <paramref name="wrapOutput"/>'s stream when given: how the tests make a write fail midway.</summary>
    internal static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata,
        Func<Stream, Stream>? wrapOutput)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var named = new List<(string Name, Tensor Tensor)>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            CheckText(name, "tensor name", nameof(tensors));
            if (name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"SafeTensors.Save: '{name}' is reserved for the metadata; rename the tensor.", nameof(tensors));
            if (tensor is null) throw new ArgumentNullException(nameof(tensors), $"SafeTensors.Save: tensor '{name}' is null.");
            if (tensor.IsIntegerValued) CheckInt64(name, tensor);
            named.Add((name, tensor));
        }
        // The reference writer's order: dtypes in descending order of its enum (I64, F64, F32: larger ones first, so each
        // tensor stays aligned), then names in UTF-8 order.
        named.Sort((a, b) => SafeTensorsHeader.WriteRank(a.Tensor) != SafeTensorsHeader.WriteRank(b.Tensor)
            ? SafeTensorsHeader.WriteRank(b.Tensor).CompareTo(SafeTensorsHeader.WriteRank(a.Tensor))
            : SafeTensorsHeader.CompareUtf8(a.Name, b.Name));

        var entries = new List<TensorEntry>(named.Count);
        ulong offset = 0;
        foreach (var (name, tensor) in named)
        {
            ulong length = (ulong)tensor.ElementCount * (ulong)tensor.DType.ByteSize();
            entries.Add(new TensorEntry(name, SafeTensorsHeader.DTypeName(tensor),
                Array.ConvertAll(tensor.Shape.ToArray(), d => (ulong)d), offset, offset + length));
            offset += length;
        }
        List<KeyValuePair<string, string>>? sortedMetadata = null;
        if (metadata is not null)
        {
            sortedMetadata = [];
            foreach (var (key, value) in metadata)
            {
                CheckText(key, "metadata key", nameof(metadata));
                CheckText(value, $"metadata value of '{key}'", nameof(metadata));
                sortedMetadata.Add(new(key, value));
            }
            sortedMetadata.Sort((a, b) => SafeTensorsHeader.CompareUtf8(a.Key, b.Key));
        }
        byte[] header = SafeTensorsHeader.Format(entries, sortedMetadata);
        if ((ulong)header.Length > SafeTensorsHeader.MaxLength)
            throw new ArgumentException($"SafeTensors.Save: the header would be {header.Length:N0} bytes, above the format's limit of {SafeTensorsHeader.MaxLength:N0}.", nameof(tensors));

        AtomicFile.Write(path, file =>
        {
            var output = wrapOutput?.Invoke(file) ?? file;
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            output.Write(length);
            output.Write(header);
            foreach (var (_, tensor) in named) WriteData(output, tensor);
            output.Flush();
        });
    }

    /// <summary>
    /// Reads every tensor (F32, F64, or I64 as an integer-valued float64) and the metadata of the safetensors file at <paramref name="path"/>,
    /// checking it as the reference reader does: the header length within 100 MB and the file, UTF-8 JSON
    /// (with no lone surrogate escapes), known dtypes, no name twice, data offsets contiguous from 0 with no
    /// overlap or gap, each range the size its shape and dtype need, and the last one ending exactly at the end
    /// of the file. Every size is computed in checked 64-bit arithmetic before anything is allocated (a 0 in a
    /// shape means no elements, however large the other dimensions).
    /// </summary>
    /// <remarks>
    /// Memory stays proportional to the file: the header is read as a stream of JSON tokens, and at most
    /// 100,000 tensors and 100,000 metadata entries, of at most 64 dimensions each, are accepted (a real file lists
    /// a few thousand tensors at most; a large model is saved in several files). Error messages name the file and
    /// show a few names, then "and N more".
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, holds a dtype other than F32, F64 and I64, or an I64 value beyond ±2⁵³
    /// (which a float64 cannot hold exactly); the message names the file and the tensor.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">A directory on <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read, or <paramref name="path"/> names a directory (the message says so).</exception>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = InputFile.Open(path, "Safetensors file", "a model is saved to and loaded from one .safetensors file", bufferSize: 1 << 16);
        return Load(file, path);
    }

    /// <summary>Loads from a seekable stream positioned at the file's start (the tests' fuzzing reads from memory); <paramref name="name"/> names it in errors.</summary>
    internal static SafeTensorsFile Load(Stream file, string name)
    {
        InvalidDataException Error(string problem, Exception? inner = null) => new($"Safetensors file '{name}': {problem}.", inner);
        long fileLength = file.Length;
        if (fileLength < 8)
            throw Error($"it is {fileLength} bytes long, too short for the 8-byte header length that starts the format");
        Span<byte> lengthBytes = stackalloc byte[8];
        file.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > SafeTensorsHeader.MaxLength)
            throw Error($"the header length is {headerLength:N0} bytes, above the limit of {SafeTensorsHeader.MaxLength:N0}: this is not a safetensors file, or it is corrupt");
        if (headerLength > (ulong)(fileLength - 8))
            throw Error($"the header length is {headerLength:N0} bytes, but only {fileLength - 8:N0} bytes follow it: the file is truncated");
        var header = new byte[headerLength];
        file.ReadExactly(header);
        var (entries, metadata) = SafeTensorsHeader.Parse(header, Error);

        ulong dataLength = (ulong)fileLength - 8 - headerLength;
        var ordered = CheckLayout(entries, dataLength, Error);
        var unsupported = ordered.FindAll(e => e.DType is not ("F32" or "F64" or "I64"));
        if (unsupported.Count > 0)
            throw Error($"MiniNet reads F32, F64 and I64 tensors only, and {MessageText.List(unsupported.ConvertAll(e => $"{MessageText.Quote(e.Name)} is {e.DType}"))}"
                + " (in PyTorch, convert with tensor.float() or tensor.double() before saving)");

        var shapes = ordered.ConvertAll(entry => ToShape(entry, Error)); // every shape checked before any tensor is allocated
        var tensors = new OrderedDictionary<string, Tensor>(ordered.Count, StringComparer.Ordinal);
        for (int i = 0; i < ordered.Count; i++)
        {
            var tensor = Tensor.Uninitialized(shapes[i], ordered[i].DType == "F32" ? DType.Float32 : DType.Float64);
            if (ordered[i].DType == "I64") ReadInt64(file, tensor, ordered[i], Error);
            else ReadData(file, tensor);
            tensors.Add(ordered[i].Name, tensor);
        }
        OrderedDictionary<string, string>? metadataMap = null;
        if (metadata is not null)
        {
            metadataMap = new OrderedDictionary<string, string>(metadata.Count, StringComparer.Ordinal);
            foreach (var (key, value) in metadata) metadataMap.Add(key, value);
        }
        return new SafeTensorsFile(tensors, metadataMap);
    }

    /// <summary>
    /// Loads the file at <paramref name="path"/> into <paramref name="expected"/>'s tensors (a model's
    /// parameters by name), as PyTorch's <c>load_state_dict(strict=True)</c>: every name must be in both,
    /// with the same shape and dtype (I64 in the file for an integer-valued tensor, and only for one). All problems are reported together (the first few of each kind, then
    /// how many more), and nothing is copied unless everything fits. Returns the file's metadata (null when it has none).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="expected"/> is null.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, or does not fit: the message lists the missing, unexpected and mismatched names.</exception>
    /// <exception cref="IOException">The file cannot be read, or <paramref name="path"/> names a directory.</exception>
    public static IReadOnlyDictionary<string, string>? LoadInto(string path, IReadOnlyDictionary<string, Tensor> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        foreach (var (name, tensor) in expected)
            if (tensor is null) throw new ArgumentNullException(nameof(expected), $"SafeTensors.LoadInto: the tensor expected as '{name}' is null.");
        var loaded = Load(path);
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (var (name, target) in expected)
        {
            if (!loaded.Tensors.TryGetValue(name, out var source)) missing.Add(MessageText.Quote(name));
            else if (source.Shape != target.Shape || SafeTensorsHeader.DTypeName(source) != SafeTensorsHeader.DTypeName(target))
                mismatched.Add($"{MessageText.Quote(name)} is {source.Shape} {SafeTensorsHeader.DTypeName(source)} in the file but {target.Shape} {SafeTensorsHeader.DTypeName(target)} in the model");
        }
        var unexpected = new List<string>();
        foreach (var name in loaded.Tensors.Keys)
            if (!expected.ContainsKey(name)) unexpected.Add(MessageText.Quote(name));
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
        {
            var message = new StringBuilder($"Safetensors file '{path}' does not fit the model ({expected.Count:N0} tensors expected, {loaded.Tensors.Count:N0} in the file):");
            if (missing.Count > 0) message.Append($"\n  missing from the file: {MessageText.List(missing)}");
            if (unexpected.Count > 0) message.Append($"\n  unexpected in the file: {MessageText.List(unexpected)}");
            foreach (var line in mismatched.Take(MessageText.ItemsShown)) message.Append($"\n  mismatched: {line}");
            if (mismatched.Count > MessageText.ItemsShown) message.Append($"\n  and {mismatched.Count - MessageText.ItemsShown:N0} more mismatched");
            throw new InvalidDataException(message.ToString());
        }
        using (Tape.NoGrad()) // copying into parameters is not a differentiable step
            foreach (var (name, target) in expected) target.CopyFrom(loaded.Tensors[name]);
        return loaded.Metadata;
    }

    /// <summary>
    /// Sorts the entries by their offsets and checks that they tile the data exactly: from 0, no gap,
    /// no overlap, each range as long as its shape and dtype need, the last ending at the end of the file.
    /// </summary>
    private static List<TensorEntry> CheckLayout(List<TensorEntry> entries, ulong dataLength, Refusal refuse)
    {
        var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList(); // stable: empty tensors keep the header's order
        ulong position = 0;
        TensorEntry? previous = null;
        foreach (var entry in ordered)
        {
            string range = $"[{entry.Begin}, {entry.End}]";
            if (entry.End < entry.Begin)
                throw refuse($"{entry.Label} has data_offsets {range}, which end before they begin");
            if (entry.Begin < position)
                throw refuse($"the data of tensors {MessageText.Quote(previous!.Name)} [{previous.Begin}, {previous.End}] and {MessageText.Quote(entry.Name)} {range} overlap");
            if (entry.Begin > position)
                throw refuse(previous is null
                    ? $"the first tensor, {MessageText.Quote(entry.Name)}, begins at offset {entry.Begin}, not 0: offsets must be contiguous"
                    : $"{entry.Begin - position} bytes between tensors {MessageText.Quote(previous.Name)} (ending at {position}) and {MessageText.Quote(entry.Name)} (beginning at {entry.Begin}) belong to no tensor: offsets must be contiguous");
            int elementSize = SafeTensorsHeader.ElementSize(entry.DType);
            ulong bytes = 0; // a 0 anywhere in the shape: no elements, however large the other dimensions
            if (!entry.Shape.Contains(0UL))
            {
                bytes = (ulong)elementSize;
                bool overflow = false;
                foreach (ulong dimension in entry.Shape) overflow |= Math.BigMul(bytes, dimension, out bytes) != 0;
                if (overflow)
                    throw refuse($"the shape {entry.ShapeText} of {entry.Label} needs more than 2⁶⁴ bytes");
            }
            if (elementSize > 0 && entry.End - entry.Begin != bytes)
                throw refuse($"{entry.Label} is {entry.DType} of shape {entry.ShapeText}, which takes {bytes:N0} bytes, but its data_offsets {range} span {entry.End - entry.Begin:N0}");
            position = entry.End;
            previous = entry;
        }
        if (position > dataLength)
            throw refuse($"the header places tensor data up to byte {position:N0} after the header, but the file holds only {dataLength:N0} bytes there: it is truncated");
        if (position < dataLength)
            throw refuse($"{dataLength - position:N0} trailing bytes follow the last tensor's data, which ends at byte {position:N0} after the header");
        return ordered;
    }

    /// <summary>The entry's shape as a MiniNet <see cref="Shape"/>, or the refusal (never <see cref="Shape"/>'s own ArgumentException) naming the file, the tensor and the shape.</summary>
    private static Shape ToShape(TensorEntry entry, Refusal refuse)
    {
        for (int d = 0; d < entry.Shape.Length; d++)
            if (entry.Shape[d] > int.MaxValue)
                throw refuse($"dimension {d} of {entry.Label}, of shape {entry.ShapeText}, is {entry.Shape[d]:N0}; a MiniNet dimension is below 2³¹");
        // Below 2³¹ each, so the count fits 64 bits up to the third factor; saturate beyond (a 0 anywhere: none).
        ulong count = entry.Shape.Contains(0UL) ? 0UL : 1UL;
        foreach (ulong dimension in entry.Shape)
            if (count != 0) count = count > (ulong)Array.MaxLength ? count : count * dimension;
        if (count > (ulong)Array.MaxLength)
            throw refuse($"{entry.Label} of shape {entry.ShapeText} is larger than a MiniNet tensor can be ({Array.MaxLength:N0} elements)");
        try
        {
            return Shape.Create(Array.ConvertAll(entry.Shape, d => (int)d));
        }
        catch (ArgumentException e)
        {
            throw refuse($"{entry.Label} has the shape {entry.ShapeText}, which a MiniNet shape cannot hold ({MessageText.Reason(e)})", e);
        }
    }

    private static void WriteData(Stream output, Tensor tensor)
    {
        if (tensor.IsIntegerValued) WriteInt64(output, tensor);
        else DTypeDispatch.Run(tensor.DType, new DataKernel(output, tensor, write: true));
    }

    /// <summary>Refuses an integer-valued tensor that I64 cannot hold exactly: a fraction, an infinity, NaN, or a value beyond ±2⁶³.</summary>
    private static void CheckInt64(string name, Tensor tensor)
    {
        const double TwoToThe63 = 9223372036854775808.0;
        var values = tensor.AsReadOnlySpan<double>();
        for (int i = 0; i < values.Length; i++)
            if (!double.IsInteger(values[i]) || values[i] < -TwoToThe63 || values[i] >= TwoToThe63)
                throw new ArgumentException(
                    $"SafeTensors.Save: tensor '{name}' is integer-valued (written as I64, PyTorch's int64) but element {i} is {values[i]}, " +
                    "which is not a whole number in [-2⁶³, 2⁶³); it cannot be written exactly.", "tensors");
    }

    /// <summary>An integer-valued tensor (float64 holding whole numbers, checked by <see cref="CheckInt64"/>) as little-endian int64.</summary>
    private static void WriteInt64(Stream output, Tensor tensor)
    {
        var values = tensor.AsReadOnlySpan<double>();
        var chunk = new long[Math.Min(values.Length, ChunkBytes / sizeof(long))];
        for (int start = 0; start < values.Length; start += chunk.Length)
        {
            int count = Math.Min(chunk.Length, values.Length - start);
            for (int i = 0; i < count; i++) chunk[i] = (long)values[start + i];
            if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(chunk.AsSpan(0, count), chunk.AsSpan(0, count));
            output.Write(MemoryMarshal.AsBytes(chunk.AsSpan(0, count)));
        }
    }

    /// <summary>
    /// Reads an I64 entry into a float64 tensor and marks it integer-valued; a value beyond ±2⁵³, which a float64 would
    /// round, is refused rather than changed.
    /// </summary>
    private static void ReadInt64(Stream file, Tensor tensor, TensorEntry entry, Refusal refuse)
    {
        var values = tensor.Storage<double>();
        var chunk = new long[Math.Min(values.Length, ChunkBytes / sizeof(long))];
        for (int start = 0; start < values.Length; start += chunk.Length)
        {
            int count = Math.Min(chunk.Length, values.Length - start);
            file.ReadExactly(MemoryMarshal.AsBytes(chunk.AsSpan(0, count)));
            if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(chunk.AsSpan(0, count), chunk.AsSpan(0, count));
            for (int i = 0; i < count; i++)
            {
                long value = chunk[i];
                if (value is > 1L << 53 or < -(1L << 53))
                    throw refuse($"{entry.Label} is I64 and element {start + i} is {value}, beyond ±2⁵³: MiniNet keeps I64 values as float64, " +
                        "which would round it; it cannot be read exactly");
                values[start + i] = value;
            }
        }
        tensor.IsIntegerValued = true;
    }

    /// <summary>A tensor's elements written to, or read from, a stream as little-endian bytes.</summary>
    private readonly struct DataKernel(Stream stream, Tensor tensor, bool write) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (write) WriteLittleEndian<T>(stream, tensor.Span<T>(), Unsafe.SizeOf<T>());
            else ReadLittleEndian(stream, tensor.Span<T>(), Unsafe.SizeOf<T>());
        }
    }

    private static void WriteLittleEndian<T>(Stream output, ReadOnlySpan<T> values, int size) where T : unmanaged
    {
        int perChunk = ChunkBytes / size;
        byte[]? swapped = BitConverter.IsLittleEndian ? null : new byte[ChunkBytes];
        for (int start = 0; start < values.Length; start += perChunk)
        {
            var bytes = MemoryMarshal.AsBytes(values.Slice(start, Math.Min(perChunk, values.Length - start)));
            if (swapped is not null)
            {
                bytes.CopyTo(swapped);
                SwapBytes(swapped.AsSpan(0, bytes.Length), size);
                bytes = swapped.AsSpan(0, bytes.Length);
            }
            output.Write(bytes);
        }
    }

    private static void ReadData(Stream file, Tensor tensor) => DTypeDispatch.Run(tensor.DType, new DataKernel(file, tensor, write: false));

    private static void ReadLittleEndian<T>(Stream file, Span<T> values, int size) where T : unmanaged
    {
        int perChunk = ChunkBytes / size;
        for (int start = 0; start < values.Length; start += perChunk)
        {
            var bytes = MemoryMarshal.AsBytes(values.Slice(start, Math.Min(perChunk, values.Length - start)));
            file.ReadExactly(bytes); // the layout check guarantees the bytes are there
            if (!BitConverter.IsLittleEndian) SwapBytes(bytes, size);
        }
    }

    private static void SwapBytes(Span<byte> bytes, int size)
    {
        if (size == 4) { var w = MemoryMarshal.Cast<byte, int>(bytes); BinaryPrimitives.ReverseEndianness(w, w); }
        else { var w = MemoryMarshal.Cast<byte, long>(bytes); BinaryPrimitives.ReverseEndianness(w, w); }
    }

    private static void CheckText(string? text, string what, string parameter)
    {
        if (text is null) throw new ArgumentNullException(parameter, $"SafeTensors.Save: a {what} is null.");
        try
        {
            s_strictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"SafeTensors.Save: the {what} '{text}' holds an unpaired surrogate, which UTF-8 cannot encode.", parameter);
        }
    }
}
