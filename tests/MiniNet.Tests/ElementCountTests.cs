namespace MiniNet.Tests;

/// <summary>
/// Element counts are worked out in 64 bits: a shape that holds more elements than an array can is refused,
/// naming the op and the shape, instead of wrapping around 32 bits to a small, zero or negative count; and a
/// shape with a 0 anywhere holds no elements, however large its other dimensions. None of these tests needs
/// more than a few bytes: every tensor they make is empty or refused before anything is allocated.
/// </summary>
public class ElementCountTests
{
    [Fact]
    public void A_shape_with_a_zero_anywhere_holds_no_elements()
    {
        Assert.Equal(0, Shape.Create([100000, 100000, 0]).ElementCount);
        Assert.Equal(0, Shape.Create([0, 100000, 100000, 100000]).ElementCount);
        Assert.Equal(0, Shape.Create([65536, 0, 65536]).ElementCount);
        Assert.Equal(0, Shape.Create([int.MaxValue, int.MaxValue, 0]).ElementCount);
        Assert.Equal(0, Tensor.Zeros([100000, 100000, 0]).ElementCount);
        Assert.Equal([0, 100000, 100000, 100000], Tensor.Zeros([0, 100000, 100000, 100000]).Shape.ToArray());
    }

    [Theory]
    [InlineData(new[] { 65536, 65536 }, "4,294,967,296")]                       // wraps to 0 in an int
    [InlineData(new[] { 46341, 46341 }, "2,147,488,281")]                       // wraps to a negative count
    [InlineData(new[] { 65536, 65536, 65537 }, "281,479,271,677,952")]          // wraps to 65536·65536·65537 mod 2³² = 0
    [InlineData(new[] { int.MaxValue, int.MaxValue, int.MaxValue, 2 }, "19,807,040,600,895,968,300,706,562,046")] // past 64 bits too
    [InlineData(new[] { 2, 1073741824 }, "2,147,483,648")]                       // int.MaxValue + 1
    [InlineData(new[] { 2147483592 }, "2,147,483,592")]                          // Array.MaxLength + 1
    public void A_shape_with_more_elements_than_an_array_holds_is_refused_with_its_exact_count(int[] dims, string count)
    {
        var error = Assert.Throws<ArgumentException>(() => Shape.Create(dims));
        Assert.Contains($"Shape: shape [{string.Join(", ", dims)}] holds {count} elements, more than the 2,147,483,591 a .NET array can hold", error.Message);
    }

    [Fact]
    public void The_largest_array_is_a_valid_shape()
    {
        Assert.Equal(Array.MaxLength, Shape.Create([Array.MaxLength]).ElementCount);
        Assert.Equal(Array.MaxLength, Shape.Create([1, Array.MaxLength, 1]).ElementCount);
    }

    [Theory]
    [InlineData(new[] { 65536, 1 }, new[] { 1, 65536 }, "[65536, 1] and [1, 65536] broadcast to [65536, 65536], which holds 4,294,967,296 elements")]
    [InlineData(new[] { 65536, 1, 1 }, new[] { 1, 65536, 2 }, "[65536, 1, 1] and [1, 65536, 2] broadcast to [65536, 65536, 2], which holds 8,589,934,592 elements")]
    [InlineData(new[] { 46341, 1 }, new[] { 46341 }, "[46341, 1] and [46341] broadcast to [46341, 46341], which holds 2,147,488,281 elements")]
    public void Broadcasting_to_more_elements_than_an_array_holds_is_refused_naming_the_op_and_both_shapes(int[] a, int[] b, string message)
    {
        // Each operand is small; only the result would be too large.
        var x = Tensor.Ones(a).RequireGrad();
        var y = Tensor.Ones(b);
        foreach (var (op, combine) in new (string, Func<Tensor, Tensor, Tensor>)[] { ("Add", (p, q) => p + q), ("Sub", (p, q) => p - q), ("Mul", (p, q) => p * q), ("Div", (p, q) => p / q) })
        {
            var error = Assert.Throws<ArgumentException>(() => combine(x, y));
            Assert.Contains($"{op}: {message}", error.Message);
        }
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Broadcasting_huge_but_empty_shapes_gives_an_empty_result_and_zero_sized_gradients()
    {
        var a = Tensor.Zeros([0, 65536, 1]).RequireGrad();
        var b = Tensor.Ones([1, 1, 65536]).RequireGrad();
        var sum = a + b;
        Assert.Equal([0, 65536, 65536], sum.Shape.ToArray());
        var total = sum.Sum();
        Assert.Equal(0.0, total.Item());
        total.Backward();
        Assert.Equal(a.Shape, a.Grad!.Shape);
        Assert.Equal(new float[65536], b.Grad!.ToArray<float>()); // every element of b reached no output: its gradient is 0
    }

    [Fact]
    public void Reducing_away_the_zero_of_an_empty_tensor_refuses_a_result_too_large_to_hold()
    {
        var empty = Tensor.Zeros([0, 65536, 65536]);
        foreach (var (op, reduce) in new (string, Func<Tensor, Tensor>)[] { ("Sum", t => t.Sum(0)), ("Mean", t => t.Mean(0)), ("Sum", t => t.Sum(-3)) })
            Assert.Contains($"{op}: shape [65536, 65536] holds 4,294,967,296 elements", Assert.Throws<ArgumentException>(() => reduce(empty)).Message);
        Assert.Contains("Max: cannot take the maximum over an empty axis 0 of [0, 65536, 65536]", Assert.Throws<InvalidOperationException>(() => empty.Max(0)).Message);
    }

    [Fact]
    public void Reductions_of_huge_empty_tensors_give_PyTorchs_results()
    {
        var empty = Tensor.Zeros([65536, 65536, 65536, 0], DType.Float64).RequireGrad();
        Assert.Equal([65536, 65536, 0], empty.Sum(2).Shape.ToArray()); // the dims before the axis multiply past 2³²
        Assert.Equal([65536, 0], empty.Mean(1).Sum(1).Shape.ToArray());
        Assert.Equal(0.0, empty.Sum().Item());
        Assert.True(double.IsNaN(empty.Mean().Item()));                 // PyTorch: the mean of nothing is nan
        Assert.Equal([65536, 65536, 0], empty.Max(1).Shape.ToArray());
        Assert.Throws<InvalidOperationException>(() => empty.Max(3));     // the maximum of nothing is refused, as in PyTorch
        Assert.Contains("Sum: shape [65536, 65536, 65536] holds", Assert.Throws<ArgumentException>(() => empty.Sum(3)).Message);
        Assert.Empty(Tensor.Zeros([0, 65536, 65536]).ArgMax(1));
        var loss = empty.Sum(2).Sum();
        loss.Backward();
        Assert.Equal(empty.Shape, empty.Grad!.Shape);
    }

    [Fact]
    public void Concat_of_tensors_whose_joined_axis_passes_int_range_is_refused()
    {
        var half = Tensor.Zeros([1 << 30, 0]);
        var error = Assert.Throws<ArgumentException>(() => Tensor.Concat([half, half]));
        Assert.Contains("Concat: dimension 0 of the result would be 2,147,483,648 in [2147483648, 0]", error.Message);
        Assert.Equal([(1 << 30) + (1 << 29), 0], Tensor.Concat([half, Tensor.Zeros([1 << 29, 0])]).Shape.ToArray());
        Assert.Equal([0, 65536 * 2], Tensor.Concat([Tensor.Zeros([0, 65536]), Tensor.Zeros([0, 65536])], axis: 1).Shape.ToArray());
    }

    [Fact]
    public void Concat_along_a_huge_empty_tensor_keeps_its_shape_and_passes_gradients()
    {
        var a = Tensor.Zeros([65536, 65536, 0]).RequireGrad();
        var joined = Tensor.Concat([a, a], axis: 1);
        Assert.Equal([65536, 131072, 0], joined.Shape.ToArray());
        joined.Sum().Backward();
        Assert.Equal(a.Shape, a.Grad!.Shape);
    }

    [Fact]
    public void Flatten_and_Reshape_of_empty_tensors_count_in_64_bits()
    {
        var empty = Tensor.Zeros([0, 65536, 65536]);
        Assert.Equal([0], empty.Flatten().Shape.ToArray());
        Assert.Equal([0, 65536, 65536], empty.Flatten(0, 0).Shape.ToArray());
        Assert.Contains("Flatten: dimension 1 of the result would be 2,147,483,648", Assert.Throws<ArgumentException>(() => empty.Flatten(1)).Message);
        Assert.Equal([65536, 0, 65536], empty.Reshape(65536, -1, 65536).Shape.ToArray());
        Assert.Equal([65536, 65536, 0, 1], empty.Reshape(65536, 65536, 0, 1).Shape.ToArray());
        // -1 beside a 0 could be any size: refused, as PyTorch refuses it.
        Assert.Contains("ambiguous", Assert.Throws<ArgumentException>(() => empty.Reshape(0, -1)).Message);
        // Dimensions whose 64-bit product wraps to 0 must not pass for an empty tensor's shape.
        Assert.Throws<ArgumentException>(() => empty.Reshape(65536, 65536, 65536, 65536));
    }

    [Fact]
    public void MatMul_of_huge_empty_batches_gives_an_empty_product_and_zero_gradients()
    {
        var a = Tensor.Zeros([65536, 65536, 0, 5]).RequireGrad();
        var b = Tensor.Ones([5, 3]).RequireGrad();
        var product = a.MatMul(b);
        Assert.Equal([65536, 65536, 0, 3], product.Shape.ToArray());
        product.Sum().Backward();
        Assert.Equal(new float[15], b.Grad!.ToArray<float>());
        Assert.Equal(a.Shape, a.Grad!.Shape);

        var tooLarge = Assert.Throws<ArgumentException>(() => Tensor.Zeros([65536, 1, 1, 0]).MatMul(Tensor.Zeros([1, 65536, 0, 1])));
        Assert.Contains("MatMul: shape [65536, 65536, 1, 1] holds 4,294,967,296 elements", tooLarge.Message);
    }

    [Fact]
    public void Linear_refuses_an_output_too_large_to_hold_and_handles_empty_rows()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Linear(Tensor.Zeros([65536, 65536, 0]), Tensor.Zeros([3, 0])));
        Assert.Contains("Linear: shape [65536, 65536, 3] holds 12,884,901,888 elements", error.Message);

        // No output features: the input's gradient is all zeros (not left uninitialised), over every row.
        var x = Tensor.Ones([4, 3]).RequireGrad();
        var y = Tensor.Linear(x, Tensor.Zeros([0, 3]));
        Assert.Equal([4, 0], y.Shape.ToArray());
        y.Sum().Backward();
        Assert.Equal(new float[12], x.Grad!.ToArray<float>());
    }

    [Fact]
    public void Shape_ops_on_huge_empty_tensors_work()
    {
        var empty = Tensor.Zeros([0, 65536, 65536]);
        Assert.Equal([65536, 65536, 0], empty.Permute(2, 1, 0).Shape.ToArray());
        Assert.Equal([0, 65536, 65536], empty.Transpose(1, 2).Shape.ToArray());
        Assert.Equal([0, 65536, 65536], empty.Softmax(1).Shape.ToArray());
        Assert.Equal([0, 1, 65536], empty.Slice(1, 5, 6).Shape.ToArray());
        Assert.Equal([0, 65536, 1, 65536], empty.Unsqueeze(2).Shape.ToArray());
        Assert.Equal("Tensor([], shape=[0, 65536, 65536], dtype=Float32)", empty.ToString());
        Assert.Equal("Tensor([], shape=[65536, 65536, 0], dtype=Float32)", Tensor.Zeros([65536, 65536, 0]).ToString()); // not 2³² pairs of brackets
        Assert.Equal(0, Tensor.FromArray(Array.Empty<float>(), [65536, 65536, 0]).ElementCount);
    }

    [Fact]
    public void Printing_a_large_tensor_reads_only_the_elements_it_shows()
    {
        var large = Tensor.Zeros([4000, 2500]); // 10 million elements: a copy of them all as doubles would be 80 MB
        long before = GC.GetAllocatedBytesForCurrentThread();
        string text = large.ToString();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith("Tensor([[0.0000, 0.0000, 0.0000, ..., 0.0000, 0.0000, 0.0000],", text);
        Assert.True(allocated < 100_000, $"ToString allocated {allocated:N0} bytes");
    }
}
