namespace MiniNet.Tests;

/// <summary>Creating and reading tensors, their text form, and the in-place methods.</summary>
public class TensorTests
{
    [Fact]
    public void FromArray_copies_the_data_in_the_given_shape()
    {
        var data = new[] { 1f, 2, 3, 4, 5, 6 };
        var x = Tensor.FromArray(data, [2, 3]);
        data[0] = 100;
        Assert.Equal([2, 3], x.Shape.ToArray());
        Assert.Equal(2, x.Rank);
        Assert.Equal(6, x.ElementCount);
        Assert.Equal(DType.Float32, x.DType);
        Assert.Equal([1f, 2, 3, 4, 5, 6], x.ToArray<float>());
        Assert.True(x.IsLeaf);
        Assert.False(x.RequiresGrad);

        var y = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(DType.Float64, y.DType);
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.Equal([1.0, 2, 3, 4, 5, 6], y.ToArray<double>());
        Assert.Equal([3], Tensor.FromArray([1.0, 2, 3]).Shape.ToArray());
    }

    [Fact]
    public void FromArray_with_the_wrong_count_names_both()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[5], [2, 3]));
        Assert.Contains("FromArray: 5 values cannot fill shape [2, 3], which holds 6", error.Message);
    }

    [Fact]
    public void Zeros_Ones_Full_Scalar_and_the_Like_forms()
    {
        Assert.All(Tensor.Zeros([2, 3]).ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(Tensor.Ones([4], DType.Float64).ToArray<double>(), v => Assert.Equal(1.0, v));
        Assert.All(Tensor.Full([3], 0.1).ToArray<float>(), v => Assert.Equal(0.1f, v)); // rounded to float
        Assert.All(Tensor.Full([3], 0.1, DType.Float64).ToArray<double>(), v => Assert.Equal(0.1, v));
        var scalar = Tensor.Scalar(2.5, DType.Float64);
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(1, scalar.ElementCount);
        Assert.Equal(2.5, scalar.Item());
        var like = Tensor.Ones([2, 2], DType.Float64);
        Assert.Equal(like.Shape, Tensor.ZerosLike(like).Shape);
        Assert.Equal(DType.Float64, Tensor.OnesLike(like).DType);
        Assert.Equal(0, Tensor.Zeros([0, 3]).ElementCount);
    }

    [Fact]
    public void Arange_follows_torch_arange_including_its_edge_cases()
    {
        Assert.Equal([0f, 1, 2, 3, 4], Tensor.Arange(5).ToArray<float>());
        Assert.Equal(10, Tensor.Arange(0, 1, 0.1, DType.Float64).ElementCount);  // torch.arange(0, 1, 0.1) has 10
        Assert.Equal([1.0, 0.75, 0.5, 0.25], Tensor.Arange(1, 0, -0.25, DType.Float64).ToArray<double>());
        Assert.Equal([2.0, 2.5], Tensor.Arange(2, 3, 0.5, DType.Float64).ToArray<double>()); // the end is excluded
        Assert.Equal(0, Tensor.Arange(2, 2).ElementCount);
        Assert.Equal(0, Tensor.Arange(0).ElementCount);
        // start + i·step, not a running sum: the 1000th value of 0.1-steps has no accumulated drift.
        Assert.Equal(999 * 0.1, Tensor.Arange(0, 100, 0.1, DType.Float64).ToArray<double>()[999]);
        Assert.Equal((float)(0.1 * 7), Tensor.Arange(0, 1, 0.1).ToArray<float>()[7]);
    }

    [Fact]
    public void Arange_refuses_a_zero_or_infinite_step_and_a_length_no_array_can_hold()
    {
        Assert.Contains("must be finite and the step non-zero", Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, 0)).Message);
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => Tensor.Arange(double.NaN, 1));
        var error = Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1e10));
        Assert.Contains("Arange", error.Message);
        Assert.Contains("10000000000", error.Message);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Uniform_lies_in_low_high_with_the_right_mean(DType dtype)
    {
        var x = TestData.Values(Tensor.Uniform([100_000], -3, 5, new Generator(1), dtype));
        Assert.All(x, v => Assert.True(v >= -3 && v < 5, $"{v} is outside [-3, 5)"));
        Assert.Equal(1, x.Average(), 0.04); // standard error 8/√12/√n = 0.0073
        Assert.True(x.Min() < -2.99 && x.Max() > 4.99);
    }

    [Fact]
    public void Uniform_in_float32_never_returns_high_even_when_rounding_would()
    {
        // [1, 1 + 2^-23): about half the doubles drawn round to 1 + 2^-23 in float, which is the excluded bound.
        double high = 1 + Math.Pow(2, -23);
        Assert.All(Tensor.Uniform([1000], 1, high, new Generator(2)).ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Normal_has_the_requested_mean_and_deviation()
    {
        var x = TestData.Values(Tensor.Normal([100_000], 2, 3, new Generator(3), DType.Float64));
        double mean = x.Average();
        Assert.Equal(2, mean, 0.05);                                              // standard error 0.0095
        Assert.Equal(3, Math.Sqrt(x.Select(v => (v - mean) * (v - mean)).Average()), 0.035); // standard error 0.0067
    }

    [Fact]
    public void Random_creation_refuses_bad_parameters()
    {
        var generator = new Generator(4);
        Assert.Contains("Uniform: bounds [2, 1) must be finite with low ≤ high",
            Assert.Throws<ArgumentException>(() => Tensor.Uniform([2], 2, 1, generator)).Message);
        Assert.Contains("Normal: mean 0 and standard deviation -1",
            Assert.Throws<ArgumentException>(() => Tensor.Normal([2], 0, -1, generator)).Message);
    }

    [Fact]
    public void ToString_shows_values_shape_and_dtype_like_PyTorch()
    {
        Assert.Equal("Tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]], shape=[2, 2], dtype=Float32)",
            Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } }).ToString());
        Assert.Equal("Tensor(3.5000, shape=[], dtype=Float64)", Tensor.Scalar(3.5, DType.Float64).ToString());
        Assert.Equal("Tensor([-1.0000,  0.5000, 10.0000], shape=[3], dtype=Float32)", Tensor.FromArray([-1f, 0.5f, 10f]).ToString());
        Assert.Equal("Tensor([], shape=[0], dtype=Float32)", Tensor.Zeros([0]).ToString());
        Assert.Equal("Tensor([[[0.0000, 1.0000],\n         [2.0000, 3.0000]],\n\n        [[4.0000, 5.0000],\n         [6.0000, 7.0000]]], shape=[2, 2, 2], dtype=Float32)",
            Tensor.Arange(8).Reshape(2, 2, 2).ToString());
    }

    [Fact]
    public void ToString_switches_to_scientific_notation_and_spells_non_finite_values()
    {
        Assert.Equal("Tensor([1.0000e-05, 1.0000e+00], shape=[2], dtype=Float64)", Tensor.FromArray([1e-5, 1.0]).ToString());
        Assert.Equal("Tensor([1.0000e+08], shape=[1], dtype=Float64)", Tensor.FromArray([1e8]).ToString());
        Assert.Equal("Tensor([   nan,    inf,   -inf, 1.0000], shape=[4], dtype=Float64)",
            Tensor.FromArray([double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.0]).ToString());
    }

    [Fact]
    public void ToString_shows_the_autograd_state()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        Assert.Equal("Tensor([1.0000, 2.0000], shape=[2], dtype=Float64, requiresGrad)", x.ToString());
        Assert.Equal("Tensor([2.0000, 4.0000], shape=[2], dtype=Float64, gradFn=Mul)", (x * 2).ToString());
    }

    [Fact]
    public void ToString_summarises_tensors_above_1000_elements()
    {
        Assert.Equal("Tensor([   0.0000,    1.0000,    2.0000, ...,  998.0000,  999.0000, 1000.0000], shape=[1001], dtype=Float32)",
            Tensor.Arange(1001).ToString());
        Assert.DoesNotContain("...", Tensor.Arange(1000).ToString()); // 1000 elements are shown in full
        string row = "[0.0000, 0.0000, 0.0000, ..., 0.0000, 0.0000, 0.0000]";
        string indent = "\n        ";
        Assert.Equal($"Tensor([{row},{indent}{row},{indent}{row},{indent}...,{indent}{row},{indent}{row},{indent}{row}], shape=[40, 30], dtype=Float32)",
            Tensor.Zeros([40, 30]).ToString());
    }

    [Fact]
    public void Item_reads_a_single_element_and_refuses_more()
    {
        Assert.Equal(0.1f, (float)Tensor.Full([1, 1], 0.1).Item());
        var error = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros([2, 3]).Item());
        Assert.Contains("Item: the tensor has shape [2, 3] (6 elements); Item() needs exactly one", error.Message);
        Assert.Contains("At(index)", error.Message);
    }

    [Fact]
    public void At_reads_one_element_with_negative_indices_counting_from_the_end()
    {
        var x = Tensor.Arange(12, DType.Float64).Reshape(3, 4);
        Assert.Equal(6, x.At(1, 2));
        Assert.Equal(11, x.At(-1, -1));
        Assert.Equal(8, x.At(-1, 0));
        Assert.Equal(3, x.At(0, -1));
        Assert.Contains("At: 1 indices given for a tensor of shape [3, 4] (rank 2)", Assert.Throws<ArgumentException>(() => x.At(1)).Message);
        Assert.Contains("At: index 4 is out of range for dimension 1 of size 4 (shape [3, 4])", Assert.Throws<ArgumentException>(() => x.At(0, 4)).Message);
        Assert.Contains("index -4 is out of range for dimension 0", Assert.Throws<ArgumentException>(() => x.At(-4, 0)).Message);
    }

    [Fact]
    public void ToArray_of_the_wrong_element_type_says_which_to_ask_for()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros([2], DType.Float64).ToArray<float>());
        Assert.Contains("ToArray<Single>: this tensor is Float64; ask for double or convert with To(DType.Float32) first", error.Message);
        Assert.Throws<InvalidOperationException>(() => Tensor.Zeros([2]).AsReadOnlySpan<double>().Length);
        Assert.Contains("tensors hold float or double elements", Assert.Throws<InvalidOperationException>(() => Tensor.Zeros([2]).ToArray<int>()).Message);
        Assert.Equal(2, Tensor.Zeros([2]).AsReadOnlySpan<float>().Length);
    }

    [Fact]
    public void In_place_methods_change_values_and_bump_the_version()
    {
        var x = Tensor.Zeros([2, 3], DType.Float64);
        int version = x.Version.Value;
        x.Fill(2);
        x.AddInPlace(Tensor.FromArray([1.0, 2.0, 3.0]), alpha: 0.5); // broadcast over rows
        x.MulInPlace(2);
        Assert.Equal([5.0, 6, 7, 5, 6, 7], x.ToArray<double>());
        x.CopyFrom(Tensor.Ones([2, 3], DType.Float64));
        Assert.All(x.ToArray<double>(), v => Assert.Equal(1.0, v));
        Assert.Equal(version + 4, x.Version.Value);
    }

    [Fact]
    public void In_place_methods_refuse_mismatched_operands()
    {
        var x = Tensor.Zeros([2, 3]);
        Assert.Contains("CopyFrom: expected [2, 3] Float32, got [3, 2] Float32",
            Assert.Throws<ArgumentException>(() => x.CopyFrom(Tensor.Zeros([3, 2]))).Message);
        Assert.Contains("AddInPlace: dtypes differ", Assert.Throws<ArgumentException>(() => x.AddInPlace(Tensor.Zeros([3], DType.Float64))).Message);
        Assert.Contains("AddInPlace: cannot broadcast [2, 3] with [4, 3]",
            Assert.Throws<ArgumentException>(() => x.AddInPlace(Tensor.Zeros([4, 3]))).Message);
        Assert.Contains("AddInPlace: [2, 1, 3] does not broadcast to this tensor's shape [2, 3]",
            Assert.Throws<ArgumentException>(() => x.AddInPlace(Tensor.Zeros([2, 1, 3]))).Message);
    }
}
