using System.Text;
using MiniNet.Layers;
using MiniNet.Serialization;

namespace MiniNet.Tests.Serialization;

/// <summary>
/// What a safetensors file may cost: memory in proportion to the file, a bounded number of tensors, and error
/// messages of a few lines whatever the file holds.
/// </summary>
public class SafeTensorsLimitsTests
{
    /// <summary>A file of <paramref name="count"/> empty F32 tensors named t0000000, t0000001, …</summary>
    private static byte[] EmptyTensors(int count)
    {
        var json = new StringBuilder("{");
        for (int i = 0; i < count; i++)
            json.Append(i > 0 ? "," : "").Append($"\"t{i:D7}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        var header = Encoding.UTF8.GetBytes(json.Append('}').ToString());
        return [.. BitConverter.GetBytes((ulong)header.Length), .. header];
    }

    [Fact]
    public void A_file_listing_more_tensors_than_the_limit_is_refused_while_its_header_is_read()
    {
        var file = EmptyTensors(SafeTensorsHeader.MaxTensorCount + 1); // 6 MB of header
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(file), "many.safetensors"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("Safetensors file 'many.safetensors': the header lists more than 100,000 tensors, the most MiniNet reads from one file", error.Message);
        Assert.True(allocated < 8 * file.Length, $"refusing a {file.Length:N0}-byte file allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Memory_grows_in_proportion_to_the_header_not_faster()
    {
        var file = EmptyTensors(20_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var loaded = SafeTensors.Load(new MemoryStream(file), "many.safetensors");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(20_000, loaded.Tensors.Count);
        // Each 59-byte entry becomes a name, an entry, a shape and an empty tensor: a few hundred bytes, not thousands.
        Assert.True(allocated < 16 * file.Length, $"loading a {file.Length:N0}-byte file of empty tensors allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Loading_a_file_that_does_not_fit_lists_a_few_names_of_each_kind_then_counts_the_rest()
    {
        using var dir = new TempDirectory();
        string path = dir.File("many.safetensors");
        System.IO.File.WriteAllBytes(path, EmptyTensors(5_000));
        var model = new Sequential(new Dense(4, 3, seed: 1));
        var error = Assert.Throws<InvalidDataException>(() => model.Load(path));
        Assert.Contains("does not fit the model (2 tensors expected, 5,000 in the file)", error.Message);
        Assert.Contains("missing from the file: '0.weight', '0.bias'", error.Message);
        Assert.Contains("unexpected in the file: 't0000000', 't0000001', 't0000002', 't0000003', 't0000004', 't0000005', 't0000006', 't0000007', 't0000008', 't0000009' and 4,990 more", error.Message);
        Assert.True(error.Message.Length < 2_000, $"the message is {error.Message.Length:N0} characters long");
    }

    [Fact]
    public void Mismatched_tensors_are_listed_a_few_at_a_time_too()
    {
        var saved = new Dictionary<string, Tensor>();
        var expected = new Dictionary<string, Tensor>();
        for (int i = 0; i < 40; i++)
        {
            saved[$"w{i:D2}"] = Tensor.Zeros([1]);
            expected[$"w{i:D2}"] = Tensor.Zeros([2]);
        }
        using var dir = new TempDirectory();
        string path = dir.File("mismatched.safetensors");
        SafeTensors.Save(path, saved);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.LoadInto(path, expected));
        Assert.Contains("mismatched: 'w00' is [1] F32 in the file but [2] F32 in the model", error.Message);
        Assert.Contains("and 30 more mismatched", error.Message);
        Assert.True(error.Message.Length < 2_000, $"the message is {error.Message.Length:N0} characters long");
    }

    [Fact]
    public void LoadStateDict_lists_a_few_problems_then_counts_the_rest()
    {
        var state = new Dictionary<string, Tensor>();
        for (int i = 0; i < 5_000; i++) state[$"extra.{i}"] = Tensor.Zeros([1]);
        var model = new Sequential(new Dense(4, 3, seed: 1));
        var error = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state));
        Assert.Contains("LoadStateDict into Sequential(): missing '0.weight'; missing '0.bias'; unexpected 'extra.0';", error.Message);
        Assert.Contains("and 4,992 more", error.Message);
        Assert.True(error.Message.Length < 2_000, $"the message is {error.Message.Length:N0} characters long");
    }

    [Fact]
    public void An_empty_tensor_with_huge_dimensions_loads_or_is_refused_naming_the_file_never_by_Shape()
    {
        // 2147483647 × 2147483647 × 0 holds nothing and takes no bytes. Whether MiniNet's Shape holds it is Shape's
        // business: the loader either loads the empty tensor or refuses it naming the file, the tensor and the shape.
        var header = Encoding.UTF8.GetBytes("{\"e\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,0],\"data_offsets\":[0,0]}}");
        var file = (byte[])[.. BitConverter.GetBytes((ulong)header.Length), .. header];
        try
        {
            var loaded = SafeTensors.Load(new MemoryStream(file), "empty.safetensors");
            Assert.Equal([2147483647, 2147483647, 0], loaded.Tensors["e"].Shape.ToArray());
            Assert.Equal(0, loaded.Tensors["e"].ElementCount);
        }
        catch (InvalidDataException e)
        {
            Assert.Contains("Safetensors file 'empty.safetensors': tensor 'e' has the shape [2147483647, 2147483647, 0], which a MiniNet shape cannot hold", e.Message);
        }
    }

    [Fact]
    public void A_directory_is_refused_saying_that_it_is_one()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<IOException>(() => SafeTensors.Load(dir.Path));
        Assert.Equal(typeof(IOException), error.GetType());
        Assert.Contains($"Safetensors file '{dir.Path}': the path is a directory, not a file", error.Message);
    }
}
