using System.Buffers.Binary;
using System.Text;
using MiniNet.Layers;
using MiniNet.Serialization;

namespace MiniNet.Tests.Serialization;

public class SafeTensorsTests
{
    /// <summary>A file: the 8-byte little-endian header length, the header as given (no padding added), then the data.</summary>
    private static byte[] File(string header, params byte[][] data)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var bytes = new List<byte>(BitConverter.GetBytes((ulong)headerBytes.Length));
        bytes.AddRange(headerBytes);
        foreach (var d in data) bytes.AddRange(d);
        return bytes.ToArray();
    }

    private static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static string Save(TempDirectory dir, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        string path = dir.File("model.safetensors");
        SafeTensors.Save(path, tensors, metadata);
        return path;
    }

    [Fact]
    public void Round_trip_is_bit_exact_for_every_float_value_in_both_dtypes()
    {
        float[] singles = [0f, -0f, 1.5f, float.Epsilon, -float.MaxValue, float.PositiveInfinity, float.NegativeInfinity,
            BitConverter.UInt32BitsToSingle(0x7FC0_1234), BitConverter.UInt32BitsToSingle(0xFF80_0001)]; // two NaN payloads
        double[] doubles = [Math.PI, -0.0, double.Epsilon, double.MaxValue, BitConverter.UInt64BitsToDouble(0x7FF8_0000_DEAD_BEEF), 1e-310];
        var tensors = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.FromArray(singles, [3, 3]),
            ["layers.2.bias"] = Tensor.FromArray(doubles, [2, 1, 3]),
            ["scalar"] = Tensor.Scalar(-2.75),
            ["empty"] = Tensor.Zeros([0]),
            ["empty.matrix"] = Tensor.Zeros([2, 0, 5], DType.Float64),
            ["ünïcødé.权重.🙂"] = Tensor.Randn([4, 5], seed: 9),
            ["big"] = Tensor.Randn([700, 500], seed: 4), // 1.4 MB: written and read in more than one chunk
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["quote\"and\\slash"] = "line\nbreak\ttab\u0001 é 🙂" };
        using var dir = new TempDirectory();
        var loaded = SafeTensors.Load(Save(dir, tensors, metadata));

        Assert.Equal(tensors.Keys.Order(), loaded.Tensors.Keys.Order());
        foreach (var (name, tensor) in tensors)
        {
            var copy = loaded.Tensors[name];
            Assert.Equal(tensor.Shape, copy.Shape);
            Assert.Equal(tensor.DType, copy.DType);
            if (tensor.DType == DType.Float32)
                Assert.Equal(tensor.ToArray<float>().Select(BitConverter.SingleToUInt32Bits), copy.ToArray<float>().Select(BitConverter.SingleToUInt32Bits));
            else
                Assert.Equal(tensor.ToArray<double>().Select(BitConverter.DoubleToUInt64Bits), copy.ToArray<double>().Select(BitConverter.DoubleToUInt64Bits));
        }
        Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), loaded.Metadata!);
    }

    [Fact]
    public void Save_writes_exactly_the_bytes_of_the_reference_implementation()
    {
        // The bytes the reference Rust crate's own tests expect. `test_serialization`: one F32 tensor "attn.0"
        // of shape [1, 2, 3] holding 0 … 5, whose 64 bytes of JSON need no padding.
        var expected = File("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", Floats(0, 1, 2, 3, 4, 5));
        Assert.Equal(64UL, BinaryPrimitives.ReadUInt64LittleEndian(expected));
        using var dir = new TempDirectory();
        string path = Save(dir, new Dictionary<string, Tensor> { ["attn.0"] = Tensor.FromArray([0f, 1, 2, 3, 4, 5], [1, 2, 3]) });
        Assert.Equal(expected, System.IO.File.ReadAllBytes(path));

        // `test_serialization_forced_alignement`: "attn0" of shape [1, 1, 2, 3]: 65 bytes of JSON, 7 spaces.
        expected = File("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", Floats(0, 1, 2, 3, 4, 5));
        Assert.Equal(72UL, BinaryPrimitives.ReadUInt64LittleEndian(expected));
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["attn0"] = Tensor.FromArray([0f, 1, 2, 3, 4, 5], [1, 1, 2, 3]) });
        Assert.Equal(expected, System.IO.File.ReadAllBytes(path));

        // …and `test_empty`: no tensors, then no tensors with metadata {"framework": "pt"}.
        SafeTensors.Save(path, new Dictionary<string, Tensor>());
        Assert.Equal(File("{}      "), System.IO.File.ReadAllBytes(path));
        SafeTensors.Save(path, new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["framework"] = "pt" });
        Assert.Equal(File("{\"__metadata__\":{\"framework\":\"pt\"}}     "), System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void Save_orders_tensors_as_the_reference_writer_float64_first_then_by_name()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["b"] = Tensor.Ones([1]),
            ["a"] = Tensor.Ones([1]),
            ["z"] = Tensor.Ones([1], DType.Float64),
            ["\uE000"] = Tensor.Ones([1]),      // U+E000 sorts before U+1F642 in UTF-8 (and code points), after it in UTF-16
            ["\U0001F642"] = Tensor.Ones([1]),
        };
        using var dir = new TempDirectory();
        string path = Save(dir, tensors);
        var bytes = System.IO.File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Equal(
            "{\"z\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}," +
            "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}," +
            "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}," +
            "\"\uE000\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}," +
            "\"\U0001F642\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[20,24]}}",
            header.TrimEnd(' '));
        Assert.Equal(0UL, headerLength % 8);
        Assert.Equal(["z", "a", "b", "\uE000", "\U0001F642"], SafeTensors.Load(path).Tensors.Keys);
    }

    [Fact]
    public void Loads_a_file_written_by_another_implementation()
    {
        // Written by /usr/bin/python3 with torch 1.13 and the json module, not by the reference writer:
        //   tensors = {"layer.weight": torch.tensor([[1.0, -2.5, 3.25], [0.1, 1e-40, float("inf")]]),
        //              "\u03c0": torch.tensor([3.141592653589793, -0.0], dtype=torch.float64),
        //              "scale": torch.tensor(2.0)}
        //   each entry's data is t.numpy().tobytes(), appended in insertion order; then
        //   header["__metadata__"] = {"format": "pt", "note": "caf\u00e9"}; text = json.dumps(header).encode()
        //   blob = struct.pack("<Q", len(text)) + text + data
        // Unlike the reference: insertion order (F32 before F64, so the F64 data is unaligned), ", " and ": "
        // separators, non-ASCII escaped as \uXXXX, the metadata last, and no padding.
        var bytes = Convert.FromHexString(
            "09010000000000007b226c617965722e776569676874223a207b226474797065223a2022463332222c20227368617065223a205b322c20335d2c2022646174615f6f666673657473223a205b302c2032345d7d2c20225c7530336330223a207b226474797065223a2022463634222c20227368617065223a205b325d2c2022646174615f6f666673657473223a205b32342c2034305d7d2c20227363616c65223a207b226474797065223a2022463332222c20227368617065223a205b5d2c2022646174615f6f666673657473223a205b34302c2034345d7d2c20225f5f6d657461646174615f5f223a207b22666f726d6174223a20227074222c20226e6f7465223a20226361665c7530306539227d7d0000803f000020c000005040cdcccc3dc21601000000807f182d4454fb210940000000000000008000000040");
        using var dir = new TempDirectory();
        string path = dir.File("python.safetensors");
        System.IO.File.WriteAllBytes(path, bytes);

        var loaded = SafeTensors.Load(path);
        Assert.Equal(["layer.weight", "π", "scale"], loaded.Tensors.Keys);
        Assert.Equal([2, 3], loaded.Tensors["layer.weight"].Shape.ToArray());
        Assert.Equal(new[] { 1f, -2.5f, 3.25f, 0.1f, 1e-40f, float.PositiveInfinity }, loaded.Tensors["layer.weight"].ToArray<float>());
        Assert.Equal(DType.Float64, loaded.Tensors["π"].DType);
        Assert.Equal(new[] { Math.PI, -0.0 }, loaded.Tensors["π"].ToArray<double>());
        Assert.True(double.IsNegative(loaded.Tensors["π"].ToArray<double>()[1]));
        Assert.Equal(0, loaded.Tensors["scale"].Rank);
        Assert.Equal(2.0, loaded.Tensors["scale"].Item());
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["note"] = "café" }, loaded.Metadata!);
    }

    // ---- malformed files: each refused with a message naming the file and the problem ----

    public static TheoryData<string, byte[], string> MalformedFiles()
    {
        const string ab = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        var twelve = new byte[12];
        return new()
        {
            { "shorter-than-8", [1, 2, 3], "it is 3 bytes long, too short for the 8-byte header length" },
            { "oversized-header", [.. BitConverter.GetBytes(100_000_001UL), .. "{}"u8], "the header length is 100,000,001 bytes, above the limit of 100,000,000" },
            { "huge-header-length", [.. BitConverter.GetBytes(ulong.MaxValue), .. "{}"u8], "the header length is 18,446,744,073,709,551,615 bytes, above the limit" },
            { "header-past-end", [.. BitConverter.GetBytes(64UL), .. "{}"u8], "the header length is 64 bytes, but only 2 bytes follow it: the file is truncated" },
            { "truncated-data", File(ab, new byte[10]), "the header places tensor data up to byte 12 after the header, but the file holds only 10 bytes there: it is truncated" },
            { "trailing-bytes", File(ab, new byte[15]), "3 trailing bytes follow the last tensor's data, which ends at byte 12 after the header" },
            { "bad-json", File("{\"a\":{\"dtype\":\"F32\",", twelve), "the header is not valid JSON" },
            { "not-utf8", [.. BitConverter.GetBytes(4UL), (byte)'{', 0xC3, 0x28, (byte)'}'], "the header is not valid UTF-8" },
            { "not-an-object", File("[1, 2]  "), "the header is a JSON array, not an object of tensors" },
            { "overlap", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", twelve),
                "the data of tensors 'a' [0, 8] and 'b' [4, 12] overlap" },
            { "gap", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", twelve),
                "4 bytes between tensors 'a' (ending at 4) and 'b' (beginning at 8) belong to no tensor: offsets must be contiguous" },
            { "not-from-zero", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", twelve),
                "the first tensor, 'a', begins at offset 4, not 0" },
            { "out-of-range", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", new byte[8]),
                "the header places tensor data up to byte 12 after the header, but the file holds only 8 bytes there" },
            { "end-before-begin", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}"),
                "tensor 'b' has data_offsets [4, 0], which end before they begin" },
            { "size-mismatch", File("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,12]}}", twelve),
                "tensor 'a' is F64 of shape [2], which takes 16 bytes, but its data_offsets [0, 12] span 12" },
            { "shape-overflow", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,12]}}", twelve),
                "the shape [4294967296, 4294967296] of tensor 'a' needs more than 2⁶⁴ bytes" },
            { "dimension-above-int", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[0,4294967296],\"data_offsets\":[0,0]}}"),
                "dimension 1 of tensor 'a', of shape [0, 4294967296], is 4,294,967,296; a MiniNet dimension is below 2³¹" },
            { "duplicate-name", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]),
                "the header names 'a' twice" },
            { "unsupported-dtypes", File("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[4,12]},\"f\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[12,12]},\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[12,14]}}", new byte[14]),
                "MiniNet reads F32, F64 and I64 tensors only, and 'h' is F16, 'b' is BF16" },
            { "i64-beyond-float64", File("{\"n\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", BitConverter.GetBytes(5L), BitConverter.GetBytes((1L << 53) + 1)),
                "tensor 'n' is I64 and element 1 is 9007199254740993, beyond ±2⁵³: MiniNet keeps I64 values as float64, which would round it" },
            { "unknown-dtype", File("{\"a\":{\"dtype\":\"F31\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "tensor 'a' has the unknown dtype 'F31'" },
            { "missing-field", File("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]), "the entry of tensor 'a' lacks shape" },
            { "negative-dimension", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]), "the shape of tensor 'a' holds -1, which is not an integer" },
            { "fractional-offset", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.0]}}", new byte[4]), "the data_offsets of tensor 'a' holds 4.0, which is not an integer" },
            { "three-offsets", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[4]), "the data_offsets of tensor 'a' hold 3 numbers, not 2" },
            { "metadata-not-strings", File("{\"__metadata__\":{\"epochs\":10}}"), "__metadata__ maps 'epochs' to a JSON number; metadata values must be strings" },
            { "lone-surrogate-in-a-name", File("{\"bad\\ud800\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}"),
                "a name, 'bad\\ud800', is not valid Unicode: it holds an escaped lone surrogate" },
            { "lone-surrogate-in-metadata", File("{\"__metadata__\":{\"note\":\"\\udc00\"}}"),
                "the value of __metadata__ 'note', '\\udc00', is not valid Unicode" },
            { "lone-surrogate-in-a-metadata-key", File("{\"__metadata__\":{\"\\udfff\":\"x\"}}"),
                "a key of __metadata__, '\\udfff', is not valid Unicode" },
            { "lone-surrogate-in-a-dtype", File("{\"a\":{\"dtype\":\"F\\ud83d\",\"shape\":[0],\"data_offsets\":[0,0]}}"),
                "the dtype of tensor 'a', 'F\\ud83d', is not valid Unicode" },
            { "deep-json", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"x\":" + new string('[', 100) + new string(']', 100) + "}}"),
                "the header is not valid JSON (" },
            { "trailing-json", File("{} {}"), "the header is not valid JSON (" },
            { "nested-shape", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[[1]],\"data_offsets\":[0,4]}}", new byte[4]),
                "the shape of tensor 'a' holds a JSON array, which is not an integer" },
            { "string-dimension", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", new byte[4]),
                "the shape of tensor 'a' holds the string '1', which is not an integer" },
            { "too-many-dimensions", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + string.Join(",", Enumerable.Repeat(1, 65)) + "],\"data_offsets\":[0,4]}}", new byte[4]),
                "the shape of tensor 'a' has 65 dimensions; MiniNet reads at most 64, as NumPy" },
            { "zero-dimension-overflow", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,0],\"data_offsets\":[0,0]}}"),
                "dimension 0 of tensor 'a', of shape [4294967296, 4294967296, 0], is 4,294,967,296; a MiniNet dimension is below 2³¹" },
            { "long-name-cut", File("{\"" + new string('n', 5000) + "\":{\"dtype\":\"F31\",\"shape\":[0],\"data_offsets\":[0,0]}}"),
                "tensor '" + new string('n', 100) + "…' (5,000 characters) has the unknown dtype 'F31'" },
            { "many-unsupported-dtypes", File("{" + string.Join(",", Enumerable.Range(0, 30).Select(i => $"\"t{i:D2}\":{{\"dtype\":\"I8\",\"shape\":[0],\"data_offsets\":[0,0]}}")) + "}"),
                "'t00' is I8, 't01' is I8, 't02' is I8, 't03' is I8, 't04' is I8, 't05' is I8, 't06' is I8, 't07' is I8, 't08' is I8, 't09' is I8 and 20 more" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void Malformed_files_are_refused_with_a_message_naming_the_file(string name, byte[] content, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File(name + ".safetensors");
        System.IO.File.WriteAllBytes(path, content);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains($"Safetensors file '{path}'", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.True(error.Message.Length < 2_000, $"the message is {error.Message.Length:N0} characters long");
    }

    [Fact]
    public void A_huge_header_length_is_refused_before_anything_is_allocated()
    {
        using var dir = new TempDirectory();
        string path = dir.File("huge.safetensors");
        System.IO.File.WriteAllBytes(path, [.. BitConverter.GetBytes(99_999_999UL), .. "{}"u8]); // under the cap, but past the end
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"refusing the header allocated {allocated:N0} bytes");
    }

    private static Dictionary<string, Tensor> Model() => new()
    {
        ["0.weight"] = Tensor.Zeros([2, 3]).RequireGrad(),
        ["0.bias"] = Tensor.Zeros([2]).RequireGrad(),
        ["1.weight"] = Tensor.Zeros([1, 2]).RequireGrad(),
    };

    [Fact]
    public void LoadInto_copies_every_value_into_the_model_s_tensors()
    {
        var saved = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Randn([2, 3], seed: 1),
            ["0.bias"] = Tensor.FromArray([0.5f, -0.25f]),
            ["1.weight"] = Tensor.FromArray(new float[] { 7, 8 }, [1, 2]),
        };
        using var dir = new TempDirectory();
        string path = Save(dir, saved, new Dictionary<string, string> { ["hidden"] = "2" });
        var model = Model();
        var metadata = SafeTensors.LoadInto(path, model); // recording is on and the parameters require grad
        foreach (var (name, tensor) in saved) Assert.Equal(tensor.ToArray<float>(), model[name].ToArray<float>());
        Assert.True(model["0.weight"].RequiresGrad);
        Assert.Equal("2", metadata!["hidden"]);
    }

    [Fact]
    public void A_saved_model_loads_into_a_fresh_model_that_then_computes_the_same_outputs()
    {
        var trained = new Sequential(new Dense(4, 3, seed: 1), new ReLU(), new Dense(3, 2, seed: 2));
        var fresh = new Sequential(new Dense(4, 3, seed: 11), new ReLU(), new Dense(3, 2, seed: 12));
        var input = Tensor.Randn([5, 4], seed: 3);
        using var dir = new TempDirectory();
        string path = Save(dir, trained.StateDict());

        Assert.NotEqual(trained.Forward(input).ToArray<float>(), fresh.Forward(input).ToArray<float>());
        SafeTensors.LoadInto(path, fresh.StateDict());
        Assert.Equal(trained.Forward(input).ToArray<float>(), fresh.Forward(input).ToArray<float>());
        Assert.Equal(["0.bias", "0.weight", "2.bias", "2.weight"], SafeTensors.Load(path).Tensors.Keys); // the reference writer's order
    }

    [Fact]
    public void LoadInto_reports_every_missing_unexpected_and_mismatched_name_together_and_changes_nothing()
    {
        var saved = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Ones([3, 2]),                 // transposed
            ["0.bias"] = Tensor.Ones([2], DType.Float64),       // wrong dtype
            ["2.weight"] = Tensor.Ones([1]),                    // not in the model
            ["2.bias"] = Tensor.Ones([1]),                      // not in the model
        };
        using var dir = new TempDirectory();
        string path = Save(dir, saved);
        var model = Model();
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.LoadInto(path, model));
        Assert.Contains($"Safetensors file '{path}' does not fit the model (3 tensors expected, 4 in the file)", error.Message);
        Assert.Contains("missing from the file: '1.weight'", error.Message);
        Assert.Contains("unexpected in the file: '2.bias', '2.weight'", error.Message);
        Assert.Contains("mismatched: '0.weight' is [3, 2] F32 in the file but [2, 3] F32 in the model", error.Message);
        Assert.Contains("mismatched: '0.bias' is [2] F64 in the file but [2] F32 in the model", error.Message);
        Assert.All(model.Values, tensor => Assert.All(tensor.ToArray<float>(), value => Assert.Equal(0f, value)));
    }

    [Fact]
    public void A_save_that_fails_midway_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        using var dir = new TempDirectory();
        string path = Save(dir, new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([1f, 2f]) });
        var before = System.IO.File.ReadAllBytes(path);

        var big = new Dictionary<string, Tensor> { ["w"] = Tensor.Randn([1000], seed: 3) };
        var error = Assert.Throws<IOException>(() =>
            SafeTensors.Save(path, big, metadata: null, wrapOutput: file => new FailingStream(file, failAfterBytes: 1000)));
        Assert.Equal("No space left on device (simulated)", error.Message);
        Assert.Equal(before, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void A_save_whose_tensors_cannot_be_enumerated_leaves_the_previous_file_intact()
    {
        using var dir = new TempDirectory();
        string path = Save(dir, new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([1f, 2f]) });
        var before = System.IO.File.ReadAllBytes(path);
        Assert.Throws<InvalidOperationException>(() => SafeTensors.Save(path, new ThrowingDictionary()));
        Assert.Equal(before, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void A_save_that_cannot_rename_removes_its_temporary_file()
    {
        using var dir = new TempDirectory();
        string target = dir.File("occupied");
        Directory.CreateDirectory(target); // a directory where the file should go: the final rename fails
        Assert.ThrowsAny<IOException>(() => SafeTensors.Save(target, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones([1]) }));
        Assert.Empty(dir.FileNames());
    }

    [Fact]
    public void Save_refuses_the_reserved_name_and_unencodable_text()
    {
        using var dir = new TempDirectory();
        string path = dir.File("x.safetensors");
        Assert.Contains("'__metadata__' is reserved", Assert.Throws<ArgumentException>(() =>
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Ones([1]) })).Message);
        Assert.Contains("unpaired surrogate", Assert.Throws<ArgumentException>(() =>
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["bad\uD800"] = Tensor.Ones([1]) })).Message);
        Assert.False(System.IO.File.Exists(path));
    }

    /// <summary>Passes writes through until a byte budget is spent, then fails as a full disk would.</summary>
    private sealed class FailingStream(Stream inner, long failAfterBytes) : Stream
    {
        private long _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > failAfterBytes) throw new IOException("No space left on device (simulated)");
            inner.Write(buffer);
            _written += buffer.Length;
        }
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A parameter dictionary whose enumeration fails partway, as a model mutated during save might.</summary>
    private sealed class ThrowingDictionary : IReadOnlyDictionary<string, Tensor>
    {
        public Tensor this[string key] => throw new KeyNotFoundException(key);
        public IEnumerable<string> Keys => this.Select(p => p.Key);
        public IEnumerable<Tensor> Values => this.Select(p => p.Value);
        public int Count => 2;
        public bool ContainsKey(string key) => false;
        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Tensor value) { value = null; return false; }
        public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
        {
            yield return new("a", Tensor.Ones([1]));
            throw new InvalidOperationException("Collection was modified; enumeration operation may not execute.");
        }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
