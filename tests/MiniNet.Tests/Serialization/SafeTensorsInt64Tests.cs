using System.Buffers.Binary;
using System.Text;
using MiniNet.Layers;
using MiniNet.Serialization;

namespace MiniNet.Tests.Serialization;

/// <summary>I64 tensors (PyTorch's int64, such as num_batches_tracked): read as integer-valued float64, written back as I64.</summary>
public class SafeTensorsInt64Tests
{
    private static readonly long[] Values = [-3, 0, 1L << 53, -(1L << 53), 123_456_789_012];

    [Fact]
    public void I64_values_up_to_two_to_the_53_are_read_exactly_and_written_back_byte_for_byte()
    {
        using var directory = new TempDirectory();
        string path = directory.File("i64.safetensors");
        File.WriteAllBytes(path, I64File("n", Values));
        var tensor = SafeTensors.Load(path).Tensors["n"];
        Assert.Equal(DType.Float64, tensor.DType);
        Assert.True(tensor.IsIntegerValued);
        Assert.Equal(Array.ConvertAll(Values, v => (double)v), tensor.ToArray<double>());

        string copy = directory.File("copy.safetensors");
        SafeTensors.Save(copy, new Dictionary<string, Tensor> { ["n"] = tensor });
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(copy));
    }

    [Fact]
    public void Arithmetic_on_an_integer_valued_tensor_gives_an_ordinary_one()
    {
        var counter = new BatchNorm1d(2).NumBatchesTracked!;
        Assert.False((counter * 1.0).IsIntegerValued);
        Assert.False(counter.Clone().IsIntegerValued);
    }

    [Theory]
    [InlineData(0.5, "element 0 is 0.5")]
    [InlineData(double.NaN, "element 0 is NaN")]
    [InlineData(9223372036854775808.0, "element 0 is 9.223372036854776E+18")]
    public void A_counter_that_I64_cannot_hold_is_refused_when_saved(double value, string fragment)
    {
        using var directory = new TempDirectory();
        var bn = new BatchNorm1d(2);
        bn.NumBatchesTracked!.Fill(value);
        var error = Assert.Throws<ArgumentException>(() => bn.Save(directory.File("bad.safetensors")));
        Assert.Contains("tensor 'num_batches_tracked' is integer-valued (written as I64, PyTorch's int64)", error.Message);
        Assert.Contains(fragment, error.Message);
        Assert.Empty(directory.FileNames()); // nothing written
    }

    /// <summary>A safetensors file of one I64 tensor, written by the specification.</summary>
    private static byte[] I64File(string name, long[] values)
    {
        string header = $"{{\"{name}\":{{\"dtype\":\"I64\",\"shape\":[{values.Length}],\"data_offsets\":[0,{8 * values.Length}]}}}}";
        header += new string(' ', (8 - header.Length % 8) % 8);
        var file = new byte[8 + header.Length + 8 * values.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        Encoding.ASCII.GetBytes(header, file.AsSpan(8));
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(8 + header.Length + 8 * i), values[i]);
        return file;
    }
}
