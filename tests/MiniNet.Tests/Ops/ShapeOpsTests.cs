namespace MiniNet.Tests.Ops;

/// <summary>Reshape, Squeeze/Unsqueeze/Flatten, Transpose/Permute, Concat, Slice/Narrow, Clone and To(DType).</summary>
public class ShapeOpsTests
{
    public static readonly TheoryData<string, string> Reshapes = new()
    {
        { "[2, 3]", "3, 2" },
        { "[2, 3]", "-1" },
        { "[2, 3, 4]", "4, -1" },
        { "[2, 3, 4]", "-1, 2, 3" },
        { "[]", "1" },
        { "[1]", "" },
        { "[6]", "1, 6, 1" },
    };

    [Theory]
    [MemberData(nameof(Reshapes))]
    public void Reshape_gradient_matches_finite_differences(string shape, string target)
    {
        var dims = target.Length == 0 ? [] : target.Split(',').Select(int.Parse).ToArray();
        GradCheck.Assert(x => x.Reshape(dims), TestData.Uniform(TestData.ParseShape(shape), -1, 1, 1));
    }

    [Fact]
    public void Reshape_infers_the_minus_one_dimension_and_keeps_row_major_order()
    {
        var x = Tensor.Arange(24).Reshape(2, -1, 4);
        Assert.Equal([2, 3, 4], x.Shape.ToArray());
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (float)i), x.ToArray<float>());
        Assert.Equal([0, 3], Tensor.Zeros([0, 3]).Reshape(-1, 3).Shape.ToArray());
    }

    [Fact]
    public void Reshape_is_a_view_that_shares_storage()
    {
        var x = Tensor.Zeros([2, 3]);
        var view = x.Reshape(6);
        view.Fill(7);
        Assert.All(x.ToArray<float>(), v => Assert.Equal(7f, v));
    }

    [Fact]
    public void Reshape_to_a_different_element_count_names_both_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]).Reshape(4, 2));
        Assert.Contains("Reshape: cannot view [2, 3] (6 elements) as [4, 2]", error.Message);
        Assert.Contains("Reshape: cannot view [2, 3] (6 elements) as [-1, -1]", Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]).Reshape(-1, -1)).Message);
        Assert.Contains("as [-1, 4]", Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]).Reshape(-1, 4)).Message);
        Assert.Contains("as [3, -2]", Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]).Reshape(3, -2)).Message);
    }

    public static readonly TheoryData<string, string> SqueezeCases = new()
    {
        { "[1, 3]", "Squeeze(0)" },
        { "[3, 1]", "Squeeze(-1)" },
        { "[2, 1, 3]", "Squeeze(1)" },
        { "[2, 3]", "Unsqueeze(0)" },
        { "[2, 3]", "Unsqueeze(-1)" },
        { "[2, 3]", "Unsqueeze(1)" },
        { "[]", "Unsqueeze(0)" },
        { "[2, 3, 2]", "Flatten()" },
        { "[2, 3, 2]", "Flatten(1)" },
        { "[2, 3, 2]", "Flatten(0, 1)" },
        { "[]", "Flatten()" },
    };

    [Theory]
    [MemberData(nameof(SqueezeCases))]
    public void Squeeze_Unsqueeze_Flatten_gradients_match_finite_differences(string shape, string op) =>
        GradCheck.Assert(x => ApplyShapeOp(x, op), TestData.Uniform(TestData.ParseShape(shape), -1, 1, 2));

    [Fact]
    public void Squeeze_Unsqueeze_Flatten_give_PyTorch_shapes()
    {
        Assert.Equal([3], Tensor.Zeros([1, 3]).Squeeze(0).Shape.ToArray());
        Assert.Equal([2, 3, 1], Tensor.Zeros([2, 3]).Unsqueeze(-1).Shape.ToArray());
        Assert.Equal([2, 1, 3], Tensor.Zeros([2, 3]).Unsqueeze(1).Shape.ToArray());
        Assert.Equal([12], Tensor.Zeros([2, 3, 2]).Flatten().Shape.ToArray());
        Assert.Equal([2, 6], Tensor.Zeros([2, 3, 2]).Flatten(1).Shape.ToArray());
        Assert.Equal([6, 2], Tensor.Zeros([2, 3, 2]).Flatten(0, 1).Shape.ToArray());
        Assert.Equal([1], Tensor.Scalar(1).Flatten().Shape.ToArray());
    }

    [Fact]
    public void Squeeze_of_a_dimension_that_is_not_one_names_it()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]).Squeeze(1));
        Assert.Contains("Squeeze: dimension 1 of [2, 3] has size 3, not 1", error.Message);
        Assert.Contains("Flatten: start axis 1 comes after end axis 0",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]).Flatten(1, 0)).Message);
    }

    public static readonly TheoryData<string, string> PermuteCases = new()
    {
        { "[2, 3]", "Transpose()" },
        { "[1, 4]", "Transpose()" },
        { "[2, 3, 4]", "Transpose(0, 2)" },
        { "[2, 3, 4]", "Transpose(-1, -2)" },
        { "[2, 3, 4]", "Permute(2, 0, 1)" },
        { "[2, 3, 4]", "Permute(1, 0, 2)" },
        { "[2, 1, 3, 2]", "Permute(0, 2, 1, 3)" },
        { "[2, 1, 3, 2]", "Permute(3, 2, 1, 0)" },
    };

    [Theory]
    [MemberData(nameof(PermuteCases))]
    public void Transpose_and_Permute_gradients_match_finite_differences(string shape, string op) =>
        GradCheck.Assert(x => ApplyShapeOp(x, op), TestData.Uniform(TestData.ParseShape(shape), -1, 1, 3));

    [Theory]
    [InlineData(new[] { 3, 40, 70 }, new[] { 0, 2, 1 })]   // a batch of transposes, larger than one tile
    [InlineData(new[] { 70, 33 }, new[] { 1, 0 })]
    [InlineData(new[] { 4, 5, 6, 7 }, new[] { 2, 0, 3, 1 })]
    [InlineData(new[] { 4, 5, 6, 7 }, new[] { 0, 1, 2, 3 })]
    [InlineData(new[] { 5, 1, 6 }, new[] { 2, 1, 0 })]
    public void Permute_moves_every_element_where_a_loop_puts_it(int[] dims, int[] order)
    {
        var x = Tensor.Arange(dims.Aggregate(1, (a, b) => a * b), DType.Float64).Reshape(dims);
        var y = x.Permute(order);
        var outDims = order.Select(d => dims[d]).ToArray();
        Assert.Equal(outDims, y.Shape.ToArray());
        var values = y.ToArray<double>();
        var source = x.ToArray<double>();
        for (int flat = 0; flat < values.Length; flat++)
        {
            var index = TestData.Unravel(flat, outDims);
            var sourceIndex = new int[dims.Length];
            for (int d = 0; d < order.Length; d++) sourceIndex[order[d]] = index[d];
            Assert.Equal(source[TestData.SourceIndex(sourceIndex, dims)], values[flat]);
        }
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 2, 0, 3, 1 })] // its inverse is [1, 3, 0, 2]: not itself
    [InlineData(new[] { 3, 4, 5 }, new[] { 1, 2, 0 })]       // a cycle, whose inverse is the other cycle
    public void Permute_backward_sends_each_gradient_to_the_element_it_came_from(int[] dims, int[] order)
    {
        // An independent check of the inverse permutation: weight every output element by a distinct value and
        // find each weight again at the input element that produced it.
        var x = Tensor.Zeros(dims, DType.Float64).RequireGrad();
        var outDims = order.Select(d => dims[d]).ToArray();
        int count = dims.Aggregate(1, (a, b) => a * b);
        var weights = Tensor.Arange(count, DType.Float64).Reshape(outDims);
        (x.Permute(order) * weights).Sum().Backward();
        var grad = x.Grad!.ToArray<double>();
        for (int flat = 0; flat < count; flat++)
        {
            var outIndex = TestData.Unravel(flat, outDims);
            var sourceIndex = new int[dims.Length];
            for (int d = 0; d < order.Length; d++) sourceIndex[order[d]] = outIndex[d];
            Assert.Equal(flat, grad[TestData.SourceIndex(sourceIndex, dims)]);
        }
    }

    [Fact]
    public void Permute_and_Transpose_errors_say_what_is_wrong()
    {
        var x = Tensor.Zeros([2, 3, 4]);
        Assert.Contains("Permute: [0, 0, 1] is not a permutation of the 3 axes of [2, 3, 4]",
            Assert.Throws<ArgumentException>(() => x.Permute(0, 0, 1)).Message);
        Assert.Contains("Permute: [1, 0] is not a permutation", Assert.Throws<ArgumentException>(() => x.Permute(1, 0)).Message);
        Assert.Contains("Transpose: [2, 3, 4] is not 2-D", Assert.Throws<InvalidOperationException>(() => x.Transpose()).Message);
        Assert.Contains("Transpose: axis 3 is out of range for rank 3; expected -3 to 2",
            Assert.Throws<ArgumentOutOfRangeException>(() => x.Transpose(0, 3)).Message);
    }

    public static readonly TheoryData<string, int> ConcatCases = new()
    {
        { "[2, 3]|[1, 3]|[3, 3]", 0 },
        { "[2, 3]|[2, 1]", 1 },
        { "[2, 3]|[2, 2]|[2, 1]", -1 },
        { "[2, 1, 2]|[2, 3, 2]", 1 },
        { "[4]|[1]", 0 },
        { "[1, 2]", 0 },
    };

    [Theory]
    [MemberData(nameof(ConcatCases))]
    public void Concat_gradient_matches_finite_differences(string shapes, int axis)
    {
        var inputs = shapes.Split('|').Select((s, i) => TestData.Uniform(TestData.ParseShape(s), -1, 1, (ulong)(10 + i))).ToArray();
        GradCheck.Assert(xs => Tensor.Concat(xs, axis), inputs);
    }

    [Fact]
    public void Concat_gives_gradients_only_to_inputs_that_require_them()
    {
        var a = TestData.Uniform([2, 2], -1, 1, 20);
        var constant = TestData.Uniform([2, 1], -1, 1, 21, requiresGrad: false);
        GradCheck.Assert(xs => Tensor.Concat(xs, 1) * Tensor.Concat(xs, 1), [a, constant]);
        Assert.Null(constant.Grad);
    }

    [Theory]
    [InlineData("constant first", 0)]
    [InlineData("constant in the middle", 1)]
    [InlineData("constant last", 2)]
    public void Concat_backward_steps_past_inputs_that_need_no_gradient_wherever_they_are(string where, int position)
    {
        // Each input must get the slice of the gradient at its own offset: an offset that skipped constants
        // would hand the inputs after a constant the constant's slice.
        _ = where;
        var inputs = new List<Tensor> { TestData.Uniform([2, 2], -1, 1, 30), TestData.Uniform([2, 3], -1, 1, 31) };
        inputs.Insert(position, TestData.Uniform([2, 1], -1, 1, 32, requiresGrad: false));
        var weights = TestData.Uniform([2, 6], -2, 2, 33, requiresGrad: false);
        (Tensor.Concat(inputs, axis: 1) * weights).Sum().Backward();
        int offset = 0;
        foreach (var input in inputs)
        {
            int width = input.Shape[1];
            if (input.RequiresGrad) Assert.Equal(weights.Slice(1, offset, offset + width).ToArray<double>(), input.Grad!.ToArray<double>());
            else Assert.Null(input.Grad);
            offset += width;
        }
        var trainable = inputs.Where(t => t.RequiresGrad).ToArray();
        var constant = inputs[position];
        GradCheck.Assert(xs =>
        {
            var all = new List<Tensor>(xs);
            all.Insert(position, constant);
            return Tensor.Concat(all, axis: 1).Exp();
        }, trainable);
    }

    [Fact]
    public void Concat_of_one_tensor_with_itself_gives_it_both_slices_gradients()
    {
        var x = TestData.Uniform([2, 3], -1, 1, 22);
        GradCheck.Assert(t => Tensor.Concat([t, t.Exp(), t], axis: 1), x);
    }

    [Fact]
    public void Concat_places_blocks_side_by_side()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.FromArray(new double[,] { { 5 }, { 6 } });
        var joined = Tensor.Concat([a, b], axis: 1);
        Assert.Equal([2, 3], joined.Shape.ToArray());
        Assert.Equal([1.0, 2, 5, 3, 4, 6], joined.ToArray<double>());
        Assert.Equal([1.0, 2, 3, 4, 1, 2, 3, 4], Tensor.Concat([a, a], axis: 0).ToArray<double>());
    }

    [Fact]
    public void Concat_mismatches_name_the_tensor_and_both_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Zeros([2, 3]), Tensor.Zeros([3, 2])], axis: 1));
        Assert.Contains("Concat: tensor 1 is [3, 2] Float32 but tensor 0 is [2, 3] Float32", error.Message);
        Assert.Contains("every dimension but axis 1", error.Message);
        var dtype = Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Zeros([2]), Tensor.Zeros([2], DType.Float64)]));
        Assert.Contains("tensor 1 is [2] Float64 but tensor 0 is [2] Float32", dtype.Message);
        var rank = Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Zeros([2]), Tensor.Zeros([1, 2])]));
        Assert.Contains("tensor 1 is [1, 2]", rank.Message);
        Assert.Contains("at least one tensor", Assert.Throws<ArgumentException>(() => Tensor.Concat([])).Message);
        Assert.Contains("scalars (rank 0)", Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Scalar(1)])).Message);
    }

    public static readonly TheoryData<string, string> SliceCases = new()
    {
        { "[5]", "Slice(0, 1, 4)" },
        { "[4, 3]", "Slice(0, 1, 3)" },
        { "[4, 3]", "Slice(1, 0, 1)" },
        { "[4, 3]", "Slice(-1, -2, 3)" },
        { "[2, 5, 2]", "Slice(1, -4, -1)" },
        { "[4, 3]", "Slice(0, 2, 2)" }, // empty
        { "[4, 3]", "Narrow(0, 1, 2)" },
        { "[2, 5, 2]", "Narrow(1, 3, 2)" },
        { "[2, 5, 2]", "Narrow(1, -2, 2)" },
    };

    [Theory]
    [MemberData(nameof(SliceCases))]
    public void Slice_and_Narrow_gradients_match_finite_differences(string shape, string op) =>
        GradCheck.Assert(x => ApplyShapeOp(x, op), TestData.Uniform(TestData.ParseShape(shape), -1, 1, 4));

    [Fact]
    public void Slice_and_Narrow_select_what_Python_slicing_selects()
    {
        var x = Tensor.Arange(10).Reshape(2, 5);
        Assert.Equal([1f, 2, 3, 6, 7, 8], x.Slice(1, 1, 4).ToArray<float>());
        Assert.Equal([3f, 4, 8, 9], x.Slice(1, -2, 5).ToArray<float>());
        Assert.Equal([5f, 6, 7, 8, 9], x.Slice(0, 1, 2).ToArray<float>());
        Assert.Equal([2, 0], x.Slice(1, 3, 3).Shape.ToArray());
        Assert.Equal([1f, 2, 6, 7], x.Narrow(1, 1, 2).ToArray<float>());
        // torch.narrow(x, 1, -2, 2): a negative start counts from the end.
        Assert.Equal([3f, 4, 8, 9], x.Narrow(1, -2, 2).ToArray<float>());
    }

    [Fact]
    public void Slice_out_of_range_is_refused_not_clipped()
    {
        var x = Tensor.Zeros([4, 3]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(1, 1, 5));
        Assert.Contains("Slice: [1, 5) is not a range within dimension 1 of [4, 3] (size 3)", error.Message);
        Assert.Contains("[3, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(0, 3, 1)).Message);
        Assert.Contains("[-5, 2)", Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(0, -5, 2)).Message);
        Assert.Contains("Slice: axis 2 is out of range for rank 2", Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(2, 0, 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(0, 3, 2));
    }

    [Fact]
    public void Clone_gradient_passes_straight_through_and_the_copy_is_independent()
    {
        GradCheck.Assert(x => x.Clone() * x, TestData.Uniform([2, 3], -1, 1, 5));
        var original = Tensor.Ones([3]);
        var copy = original.Clone();
        copy.Fill(2);
        Assert.Equal([1f, 1, 1], original.ToArray<float>());
    }

    [Fact]
    public void To_the_same_dtype_is_the_tensor_itself_and_differentiable()
    {
        var x = TestData.Uniform([2, 3], -1, 1, 6);
        Assert.Same(x, x.To(DType.Float64));
        GradCheck.Assert(t => t.To(DType.Float64) * t, x);
    }

    [Fact]
    public void To_Float32_backward_returns_a_Float64_gradient_of_the_right_values()
    {
        // Finite differences cannot check this (float32 rounding drowns eps = 1e-6), so the rule is checked directly:
        // y = float(x) · w gives dL/dx = w, converted back to x's dtype.
        var x = TestData.Uniform([2, 3], -1, 1, 7);
        var w = Tensor.Uniform([2, 3], -2, 2, new Generator(8));
        var y = x.To(DType.Float32);
        Assert.Equal(DType.Float32, y.DType);
        Assert.Equal(x.ToArray<double>().Select(v => (float)v), y.ToArray<float>());
        Assert.Equal("ToFloat32", y.GradFnName);
        (y * w).Sum().Backward();
        Assert.Equal(DType.Float64, x.Grad!.DType);
        Assert.Equal(w.ToArray<float>().Select(v => (double)v), x.Grad.ToArray<double>());
    }

    [Fact]
    public void To_Float64_backward_returns_a_Float32_gradient()
    {
        var x = Tensor.Uniform([4], -1, 1, new Generator(9)).RequireGrad();
        var y = x.To(DType.Float64);
        Assert.Equal(x.ToArray<float>().Select(v => (double)v), y.ToArray<double>()); // widening is exact
        (y * 3.0).Sum().Backward();
        Assert.Equal(DType.Float32, x.Grad!.DType);
        Assert.Equal([3f, 3, 3, 3], x.Grad.ToArray<float>());
    }

    [Fact]
    public void To_Float32_rounds_to_nearest_and_overflows_to_infinity()
    {
        var y = Tensor.FromArray([0.1, 1e39, -1e39, double.NaN, 1e-50]).To(DType.Float32).ToArray<float>();
        Assert.Equal(0.1f, y[0]);
        Assert.Equal(float.PositiveInfinity, y[1]);
        Assert.Equal(float.NegativeInfinity, y[2]);
        Assert.True(float.IsNaN(y[3]));
        Assert.Equal(0f, y[4]);
    }

    /// <summary>Applies an op written as in the theory data, e.g. "Slice(1, -2, 3)".</summary>
    internal static Tensor ApplyShapeOp(Tensor x, string op)
    {
        string name = op[..op.IndexOf('(')];
        var args = op[(op.IndexOf('(') + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
        return name switch
        {
            "Squeeze" => x.Squeeze(args[0]),
            "Unsqueeze" => x.Unsqueeze(args[0]),
            "Flatten" => args.Length switch { 0 => x.Flatten(), 1 => x.Flatten(args[0]), _ => x.Flatten(args[0], args[1]) },
            "Transpose" => args.Length == 0 ? x.Transpose() : x.Transpose(args[0], args[1]),
            "Permute" => x.Permute(args),
            "Slice" => x.Slice(args[0], args[1], args[2]),
            "Narrow" => x.Narrow(args[0], args[1], args[2]),
            _ => throw new ArgumentException($"unknown op {op}"),
        };
    }
}
