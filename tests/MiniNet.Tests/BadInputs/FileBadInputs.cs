using System.IO.Compression;
using System.Text;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Serialization;
using MiniNet.Tests.Data;

namespace MiniNet.Tests.BadInputs;

/// <summary>IDX and safetensors files, model save and load.</summary>
internal static class FileBadInputs
{
    private const string Area = "Files";

    // An IDX file of 2 × 3 u8 and its gzip form, which the gzip rows then damage.
    private static readonly byte[] s_idx = [0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6];
    private static readonly byte[] s_gzip = GzipFramingTests.Member(s_idx);

    public static IEnumerable<BadInput> Rows() =>
    [
        // ---- IDX: arguments and paths ----
        BadInput.Of<ArgumentNullException>(Area, "IdxFile.Read of a null path", () => IdxFile.Read((string)null!), "path"),
        BadInput.Of<ArgumentException>(Area, "IdxFile.Read of an empty path", () => IdxFile.Read(""), "path", "empty"),
        BadInput.Of<ArgumentNullException>(Area, "IdxFile.Read of a null stream", () => IdxFile.Read(null!, "name"), "stream"),
        BadInput.Of<ArgumentNullException>(Area, "IdxFile.Read with a null name", () => IdxFile.Read(new MemoryStream(s_idx), null!), "name"),
        BadInput.Of<FileNotFoundException>(Area, "IdxFile.Read of a missing file", InDirectory(dir => IdxFile.Read(Path.Combine(dir, "train-images-idx3-ubyte.gz"))),
            "train-images-idx3-ubyte.gz"),
        BadInput.Of<DirectoryNotFoundException>(Area, "IdxFile.Read in a missing directory", () => IdxFile.Read("/nonexistent/train-images-idx3-ubyte.gz"),
            "/nonexistent/train-images-idx3-ubyte.gz"),
        BadInput.Of<IOException>(Area, "IdxFile.Read of a directory", InDirectory(path => IdxFile.Read(path)),
            "IDX file '", "the path is a directory, not a file", "FashionMnist.Load takes a directory"),
        BadInput.Of<ArgumentNullException>(Area, "IdxFile.Write of a null array", () => IdxFile.Write(Path.Combine(Path.GetTempPath(), "never.idx"), null!, gzip: false), "array"),

        BadInput.Of<FileNotFoundException>(Area, "FashionMnist.Load of a file, not a directory", InDirectory(dir =>
            {
                string file = Path.Combine(dir, "train-images-idx3-ubyte.gz");
                File.WriteAllBytes(file, s_gzip);
                FashionMnist.Load(file);
            }),
            "Fashion-MNIST: neither", "train-images-idx3-ubyte.gz' is a file, not a directory: give the directory that holds the four IDX files"),
        BadInput.Of<FileNotFoundException>(Area, "FashionMnist.Load of a missing directory", () => FashionMnist.Load("/nonexistent/fashion"),
            "Fashion-MNIST: neither '/nonexistent/fashion/train-images-idx3-ubyte.gz'", "The directory '/nonexistent/fashion' does not exist"),
        BadInput.Of<FileNotFoundException>(Area, "FashionMnist.Load of a directory without the files", InDirectory(dir => FashionMnist.Load(dir, train: false)),
            "Fashion-MNIST: neither", "t10k-images-idx3-ubyte.gz", "nor"),

        // ---- IDX: malformed content ----
        BadInput.Of<InvalidDataException>(Area, "IDX: an empty file", ReadIdx("empty.idx", []), "IDX file '", "empty.idx'", "the file is empty"),
        BadInput.Of<InvalidDataException>(Area, "IDX: not an IDX file", ReadIdx("zip.idx", [0x50, 0x4B, 3, 4, 0, 0]),
            "zip.idx'", "not an IDX file: it starts with the bytes 0x50 0x4B"),
        BadInput.Of<InvalidDataException>(Area, "IDX: an unknown element type", ReadIdx("type.idx", [0, 0, 0x0A, 1, 0, 0, 0, 1, 9]),
            "type.idx'", "unknown element type code 0x0A"),
        BadInput.Of<InvalidDataException>(Area, "IDX: no dimensions", ReadIdx("rank.idx", [0, 0, 0x08, 0]), "rank.idx'", "declares 0 dimensions; an IDX array has 1 to 4"),
        BadInput.Of<InvalidDataException>(Area, "IDX: truncated data", ReadIdx("short.idx", s_idx[..^2]),
            "short.idx'", "the data is truncated: the header declares 2 × 3 u8 = 6 bytes of data, but only 4 follow"),
        BadInput.Of<InvalidDataException>(Area, "IDX: trailing bytes", ReadIdx("long.idx", [.. s_idx, 7, 8]),
            "long.idx'", "2 trailing bytes follow the 6 bytes of data that the header declares (2 × 3 u8)"),
        BadInput.Of<InvalidDataException>(Area, "IDX: a header of more than 2^64 bytes",
            ReadIdx("huge.idx", [0, 0, 0x0E, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2]),
            "huge.idx'", "4294967295 × 4294967295 × 2 f64 elements, more than 2⁶⁴ bytes"),
        BadInput.Of<InvalidDataException>(Area, "IDX: more elements than an array holds", ReadIdx("big.idx", [0, 0, 0x08, 2, 0, 1, 0, 0, 0, 1, 0, 0]),
            "big.idx'", "65536 × 65536 u8 = 4,294,967,296 elements, more than the 2,147,483,591 an array can hold"),
        BadInput.Of<InvalidDataException>(Area, "IDX: a zero dimension beside huge ones declares no data", ReadIdx("zero.idx", [0, 0, 0x08, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 42]),
            "zero.idx'", "1 trailing bytes follow the 0 bytes of data that the header declares (65536 × 65536 × 0 u8)"),
        BadInput.Of<InvalidDataException>(Area, "IDX: a dimension of 2^31", ReadIdx("dim.idx", [0, 0, 0x08, 2, 0, 0, 0, 0, 0x80, 0, 0, 0]),
            "dim.idx'", "dimension 1 of 0 × 2147483648 u8 is 2,147,483,648"),

        // ---- IDX: gzip framing ----
        BadInput.Of<InvalidDataException>(Area, "gzip: a flipped CRC", ReadIdx("crc.gz", Flip(s_gzip, ^8)),
            "crc.gz'", "the trailer of gzip member 1", "holds the CRC-32 0x", "but the data decoded is 0x"),
        BadInput.Of<InvalidDataException>(Area, "gzip: a wrong length in the trailer", ReadIdx("isize.gz", Flip(s_gzip, ^4)),
            "isize.gz'", "gives its length as 19 bytes (mod 2³²), but it holds 18"),
        BadInput.Of<InvalidDataException>(Area, "gzip: the trailer missing", ReadIdx("notrailer.gz", s_gzip[..^8]),
            "notrailer.gz'", "the file ends where the 8-byte trailer of gzip member 1 should begin"),
        BadInput.Of<InvalidDataException>(Area, "gzip: the trailer cut", ReadIdx("cut.gz", s_gzip[..^3]),
            "cut.gz'", "the file ends 5 bytes into the 8-byte trailer of gzip member 1"),
        BadInput.Of<InvalidDataException>(Area, "gzip: garbage after the member", ReadIdx("garbage.gz", [.. s_gzip, .. "junk"u8]),
            "garbage.gz'", "4 bytes follow gzip member 1", "they start with 0x6A 0x75", "trailing garbage is not allowed"),
        BadInput.Of<InvalidDataException>(Area, "gzip: corrupt deflate data", ReadIdx("deflate.gz", [.. s_gzip[..10], 0xFF, 0xFF, 0xFF, .. s_gzip[13..]]),
            "deflate.gz'", "the compressed (deflate) data of gzip member 1 is corrupt"),
        BadInput.Of<InvalidDataException>(Area, "gzip: cut inside the compressed data", ReadIdx("half.gz", IdxFileTests.Gzip(Noise(5000))[..1000]),
            "half.gz'", "the file ends inside the compressed data of gzip member 1", "truncated"),
        BadInput.Of<InvalidDataException>(Area, "gzip: reserved flag bits", ReadIdx("flags.gz", GzipFramingTests.Member(s_idx, flags: 0x80)),
            "flags.gz'", "gzip member 1 (at byte 0) sets reserved flag bits (flags 0x80)"),
        BadInput.Of<InvalidDataException>(Area, "gzip: a wrong header CRC", ReadIdx("hcrc.gz", Flip(GzipFramingTests.Member(s_idx, flags: 0x02), 10)),
            "hcrc.gz'", "the header CRC of gzip member 1 is"),
        BadInput.Of<InvalidDataException>(Area, "gzip: a method other than deflate", ReadIdx("method.gz", GzipFramingTests.Member(s_idx, method: 9)),
            "method.gz'", "declares compression method 9; gzip defines only 8, deflate"),
        BadInput.Of<InvalidDataException>(Area, "gzip: a bomb far larger than its header declares", ReadIdx("bomb.gz", Bomb()),
            "bomb.gz'", "the data goes on past the 1,000 bytes that the header declares (1000 u8): more than 65,536 trailing bytes follow"),
        BadInput.Of<InvalidDataException>(Area, "gzip: a header declaring more than the bytes can expand to",
            ReadIdx("liar.gz", IdxFileTests.Gzip([0, 0, 0x0E, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28, .. new byte[1000]])),
            "liar.gz'", "declares 60000 × 28 × 28 f64 = 376,320,000 bytes of data", "deflate expands data at most 1032-fold"),

        // ---- safetensors: arguments and paths ----
        BadInput.Of<ArgumentNullException>(Area, "SafeTensors.Load of a null path", () => SafeTensors.Load(null!), "path"),
        BadInput.Of<ArgumentException>(Area, "SafeTensors.Load of an empty path", () => SafeTensors.Load(""), "path", "empty"),
        BadInput.Of<FileNotFoundException>(Area, "SafeTensors.Load of a missing file", InDirectory(dir => SafeTensors.Load(Path.Combine(dir, "model.safetensors"))),
            "model.safetensors"),
        BadInput.Of<IOException>(Area, "SafeTensors.Load of a directory", InDirectory(path => SafeTensors.Load(path)),
            "Safetensors file '", "the path is a directory, not a file"),
        BadInput.Of<ArgumentNullException>(Area, "SafeTensors.LoadInto a null dictionary", () => SafeTensors.LoadInto("model.safetensors", null!), "expected"),
        BadInput.Of<ArgumentNullException>(Area, "SafeTensors.Save of null tensors", () => SafeTensors.Save("model.safetensors", null!), "tensors"),
        BadInput.Of<ArgumentException>(Area, "SafeTensors.Save of a name with a lone surrogate",
            () => SafeTensors.Save(Path.Combine(Path.GetTempPath(), "never.safetensors"), new Dictionary<string, Tensor> { ["w\uD800"] = Tensor.Ones([1]) }),
            "SafeTensors.Save", "unpaired surrogate"),
        BadInput.Of<ArgumentException>(Area, "SafeTensors.Save of the reserved name",
            () => SafeTensors.Save(Path.Combine(Path.GetTempPath(), "never.safetensors"), new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Ones([1]) }),
            "'__metadata__' is reserved for the metadata"),

        // ---- safetensors: malformed content ----
        BadInput.Of<InvalidDataException>(Area, "safetensors: shorter than its length field", LoadSafetensors("short.safetensors", [1, 2, 3]),
            "Safetensors file '", "short.safetensors'", "it is 3 bytes long, too short for the 8-byte header length"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: a header length above 100 MB",
            LoadSafetensors("length.safetensors", [.. BitConverter.GetBytes(100_000_001UL), .. "{}"u8]),
            "length.safetensors'", "the header length is 100,000,001 bytes, above the limit of 100,000,000"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: a lone surrogate in a name",
            LoadSafetensors("name.safetensors", Safetensors("{\"w\\ud800\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}")),
            "name.safetensors'", "a name, 'w\\ud800', is not valid Unicode", "lone surrogate"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: a lone surrogate in metadata",
            LoadSafetensors("meta.safetensors", Safetensors("{\"__metadata__\":{\"note\":\"\\udc00\"}}")),
            "meta.safetensors'", "the value of __metadata__ 'note', '\\udc00', is not valid Unicode"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: a header that is not UTF-8",
            LoadSafetensors("utf8.safetensors", [.. BitConverter.GetBytes(4UL), (byte)'{', 0xC3, 0x28, (byte)'}']),
            "utf8.safetensors'", "the header is not valid UTF-8 (byte 1 of the header is 0xC3)"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: JSON nested too deeply",
            LoadSafetensors("deep.safetensors", Safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"x\":" + new string('[', 200) + new string(']', 200) + "}}")),
            "deep.safetensors'", "the header is not valid JSON (", "depth"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: a name twice",
            LoadSafetensors("twice.safetensors", Safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}")),
            "twice.safetensors'", "the header names 'a' twice"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: overlapping data",
            LoadSafetensors("overlap.safetensors", Safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)),
            "overlap.safetensors'", "the data of tensors 'a' [0, 8] and 'b' [4, 12] overlap"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: data out of range",
            LoadSafetensors("range.safetensors", Safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", 8)),
            "range.safetensors'", "the header places tensor data up to byte 12 after the header, but the file holds only 8 bytes there"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: a shape of more than 2^64 bytes",
            LoadSafetensors("overflow.safetensors", Safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}")),
            "overflow.safetensors'", "the shape [4294967296, 4294967296] of tensor 'a' needs more than 2⁶⁴ bytes"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: a dimension of 2^32 beside a zero",
            LoadSafetensors("zerodim.safetensors", Safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,0],\"data_offsets\":[0,0]}}")),
            "zerodim.safetensors'", "dimension 0 of tensor 'a', of shape [4294967296, 4294967296, 0], is 4,294,967,296; a MiniNet dimension is below 2³¹"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: an empty tensor of huge dimensions takes no bytes",
            LoadSafetensors("empty.safetensors", Safetensors("{\"e\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,0],\"data_offsets\":[0,0]}}", 1)),
            "empty.safetensors'", "1 trailing bytes follow the last tensor's data, which ends at byte 0 after the header"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: a negative dimension",
            LoadSafetensors("negative.safetensors", Safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4)),
            "negative.safetensors'", "the shape of tensor 'a' holds -1, which is not an integer in [0, 2⁶⁴)"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: 65 dimensions",
            LoadSafetensors("rank.safetensors", Safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + string.Join(",", Enumerable.Repeat(1, 65)) + "],\"data_offsets\":[0,4]}}", 4)),
            "rank.safetensors'", "the shape of tensor 'a' has 65 dimensions; MiniNet reads at most 64"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: an unknown dtype",
            LoadSafetensors("dtype.safetensors", Safetensors("{\"a\":{\"dtype\":\"F31\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)),
            "dtype.safetensors'", "tensor 'a' has the unknown dtype 'F31'"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: a dtype MiniNet does not read",
            LoadSafetensors("f16.safetensors", Safetensors("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4)),
            "f16.safetensors'", "MiniNet reads F32, F64 and I64 tensors only, and 'h' is F16"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: an I64 value a float64 would round",
            LoadSafetensors("i64.safetensors", [.. Safetensors("{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}"), .. BitConverter.GetBytes(-(1L << 53) - 1)]),
            "i64.safetensors'", "tensor 'n' is I64 and element 0 is -9007199254740993, beyond ±2⁵³", "cannot be read exactly"),
        BadInput.Of<ArgumentException>(Area, "SafeTensors.Save of an integer-valued buffer holding a fraction",
            () => { var bn = new BatchNorm1d(2); bn.NumBatchesTracked!.Fill(2.5); bn.Save(Path.Combine(Path.GetTempPath(), "never.safetensors")); },
            "SafeTensors.Save", "'num_batches_tracked' is integer-valued (written as I64", "element 0 is 2.5", "not a whole number"),
        BadInput.Of<InvalidDataException>(Area, "Module.Load of a file whose num_batches_tracked is F32, not I64",
            InDirectory(dir =>
            {
                string path = Path.Combine(dir, "f32-counter.safetensors");
                var bn = new BatchNorm1d(2);
                SafeTensors.Save(path, bn.StateDict().ToDictionary(p => p.Key, p => p.Key == "num_batches_tracked" ? Tensor.Scalar(0) : p.Value));
                bn.Load(path);
            }),
            "f32-counter.safetensors' does not fit the model", "'num_batches_tracked' is [] F32 in the file but [] I64 in the model"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: more tensors than MiniNet reads",
            LoadSafetensors("many.safetensors", EmptyTensors(SafeTensorsHeader.MaxTensorCount + 1)),
            "many.safetensors'", "the header lists more than 100,000 tensors, the most MiniNet reads from one file"),
        BadInput.Of<InvalidDataException>(Area, "safetensors: a name of a million characters",
            LoadSafetensors("longname.safetensors", Safetensors("{\"" + new string('n', 1_000_000) + "\":{\"dtype\":\"X\",\"shape\":[0],\"data_offsets\":[0,0]}}")),
            "longname.safetensors'", "…' (1,000,000 characters) has the unknown dtype 'X'"),

        // ---- models ----
        BadInput.Of<InvalidDataException>(Area, "Module.Load of a file of 5,000 other tensors", InDirectory(dir =>
            {
                string path = Path.Combine(dir, "other.safetensors");
                File.WriteAllBytes(path, EmptyTensors(5_000));
                new Sequential(new Dense(4, 3, seed: 1)).Load(path);
            }),
            "other.safetensors' does not fit the model (2 tensors expected, 5,000 in the file)", "missing from the file: '0.weight', '0.bias'",
            "'t0000009' and 4,990 more"),
        BadInput.Of<ArgumentException>(Area, "Module.LoadStateDict of 5,000 other tensors",
            () => new Sequential(new Dense(4, 3, seed: 1)).LoadStateDict(Enumerable.Range(0, 5_000).ToDictionary(i => $"x{i}", _ => Tensor.Zeros([1]))),
            "LoadStateDict into Sequential()", "missing '0.weight'", "unexpected 'x0'", "and 4,992 more"),

        // ---- checkpoints ----
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Checkpoint.Save of a negative epoch",
            () => Checkpoint.Save(Path.Combine(Path.GetTempPath(), "never.safetensors"), Model(), Optimizer(), null, -1), "Checkpoint.Save: epoch is -1"),
        BadInput.Of<ArgumentException>(Area, "Checkpoint.Save with another optimiser's schedule",
            () => Checkpoint.Save(Path.Combine(Path.GetTempPath(), "never.safetensors"), Model(), Optimizer(), new StepLr(Optimizer(), 1), 1),
            "Checkpoint.Save: the StepLr sets the learning rate of another optimiser", "(Parameter 'schedule')"),
        BadInput.Of<ArgumentNullException>(Area, "Checkpoint.Save with a null generator",
            () => Checkpoint.Save(Path.Combine(Path.GetTempPath(), "never.safetensors"), Model(), Optimizer(), null, 1, new Generator(1), null!),
            "Checkpoint.Save: generator 1 of 2 is null", "generators"),
        BadInput.Of<FileNotFoundException>(Area, "Checkpoint.Load of a missing file",
            InDirectory(dir => Checkpoint.Load(Path.Combine(dir, "epoch-3.safetensors"), Model(), Optimizer(), null)), "epoch-3.safetensors"),
        BadInput.Of<InvalidDataException>(Area, "Checkpoint.Load of a model saved with Module.Save", InDirectory(dir =>
            {
                string path = Path.Combine(dir, "model.safetensors");
                var model = Model();
                model.Save(path);
                Checkpoint.Load(path, model, Optimizer(), null);
            }),
            "Checkpoint '", "model.safetensors': it is not a MiniNet checkpoint (its metadata has no 'mininet.checkpoint')", "loads with Module.Load"),
        BadInput.Of<InvalidDataException>(Area, "Checkpoint.Load of a later format",
            LoadCheckpoint(metadata => metadata["mininet.checkpoint"] = "2"), "it is a checkpoint of format '2', and this MiniNet reads format 1"),
        BadInput.Of<InvalidDataException>(Area, "Checkpoint.Load of an epoch that is not a number",
            LoadCheckpoint(metadata => metadata["epoch"] = "two"), "checkpoint.safetensors': its epoch is 'two', not a whole number ≥ 0"),
        BadInput.Of<InvalidDataException>(Area, "Checkpoint.Load without the optimiser's metadata",
            LoadCheckpoint(metadata => metadata.Remove("optimizer")), "checkpoint.safetensors': its metadata has no 'optimizer'"),
        BadInput.Of<InvalidDataException>(Area, "Checkpoint.Load of broken JSON",
            LoadCheckpoint(metadata => metadata["optimizer"] = "{\"kind\": \"Sgd\","), "checkpoint.safetensors': metadata 'optimizer' is not valid JSON"),
        BadInput.Of<InvalidDataException>(Area, "Checkpoint.Load of a learning rate that is not a number",
            LoadCheckpoint(metadata => metadata["optimizer"] = metadata["optimizer"].Replace("\"lr\":0.1", "\"lr\":\"fast\"", StringComparison.Ordinal)),
            "metadata optimizer.param_groups.0.lr is \"fast\", not a finite number"),
        BadInput.Of<InvalidDataException>(Area, "Checkpoint.Load of a generator state of three words",
            LoadCheckpoint(metadata => metadata["generators"] = "[{\"seed\":1,\"state\":[1,2,3],\"spare_normal\":null}]"),
            "metadata generators.0.state holds 3 numbers; a generator's state is 4 64-bit words"),
        BadInput.Of<InvalidDataException>(Area, "Checkpoint.Load of a stray tensor",
            LoadCheckpoint(tensors: tensors => tensors["extra"] = Tensor.Zeros([1])),
            "does not fit what it is loaded into", "file: tensors that are neither model.* nor optimizer.state.{i}.*: 'extra'"),
        BadInput.Of<InvalidDataException>(Area, "Checkpoint.Load without the schedule that was saved",
            InDirectory(dir =>
            {
                string path = Path.Combine(dir, "checkpoint.safetensors");
                var model = Model();
                var optimizer = Optimizer(model);
                Checkpoint.Save(path, model, optimizer, new StepLr(optimizer, 1), 1);
                var other = Optimizer(model);
                Checkpoint.Load(path, model, other, null);
            }),
            "checkpoint.safetensors' does not fit what it is loaded into:\n  schedule: the file holds a 'StepLr', and none was given"),
    ];

    private static Sequential Model() => new(new Dense(2, 1, seed: 1));

    private static Sgd Optimizer(Module? model = null) => new((model ?? Model()).Parameters(), lr: 0.1);

    /// <summary>Saves a checkpoint of a one-layer model and SGD, rewrites it through <paramref name="metadata"/> and <paramref name="tensors"/>, and loads it.</summary>
    private static Action LoadCheckpoint(Action<Dictionary<string, string>>? metadata = null, Action<Dictionary<string, Tensor>>? tensors = null) => InDirectory(dir =>
    {
        string path = Path.Combine(dir, "checkpoint.safetensors");
        var model = Model();
        var optimizer = Optimizer(model);
        Checkpoint.Save(path, model, optimizer, null, 1);
        var file = SafeTensors.Load(path);
        var newMetadata = new Dictionary<string, string>(file.Metadata!);
        var newTensors = new Dictionary<string, Tensor>(file.Tensors);
        metadata?.Invoke(newMetadata);
        tensors?.Invoke(newTensors);
        SafeTensors.Save(path, newTensors, newMetadata);
        Checkpoint.Load(path, model, optimizer, null);
    });

    /// <summary>Reads <paramref name="content"/> as the IDX file <paramref name="fileName"/> in a fresh directory.</summary>
    private static Action ReadIdx(string fileName, byte[] content) => InDirectory(dir =>
    {
        string path = Path.Combine(dir, fileName);
        File.WriteAllBytes(path, content);
        IdxFile.Read(path);
    });

    /// <summary>Loads <paramref name="content"/> as the safetensors file <paramref name="fileName"/> in a fresh directory.</summary>
    private static Action LoadSafetensors(string fileName, byte[] content) => InDirectory(dir =>
    {
        string path = Path.Combine(dir, fileName);
        File.WriteAllBytes(path, content);
        SafeTensors.Load(path);
    });

    private static Action InDirectory(Action<string> use) => () =>
    {
        using var dir = new TempDirectory();
        use(dir.Path);
    };

    /// <summary>A safetensors file: the header's length, the header, then <paramref name="dataBytes"/> zero bytes.</summary>
    private static byte[] Safetensors(string header, int dataBytes = 0)
    {
        var json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. new byte[dataBytes]];
    }

    private static byte[] EmptyTensors(int count) =>
        Safetensors("{" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"t{i:D7}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}")) + "}");

    private static byte[] Flip(byte[] bytes, Index at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x01;
        return copy;
    }

    /// <summary>An IDX file of <paramref name="length"/> − 8 pseudo-random bytes after an 8-byte header that declares them.</summary>
    private static byte[] Noise(int length)
    {
        var bytes = new byte[length];
        new System.Random(1).NextBytes(bytes);
        new byte[] { 0, 0, 0x08, 1, 0, 0, (byte)((length - 8) >> 8), (byte)(length - 8) }.CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>1,000 bytes declared, 16 MB of zeros compressed to 16 KB.</summary>
    private static byte[] Bomb()
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(new byte[] { 0, 0, 0x08, 1, 0, 0, 0x03, 0xE8 });
            gzip.Write(new byte[16 << 20]);
        }
        return output.ToArray();
    }
}
