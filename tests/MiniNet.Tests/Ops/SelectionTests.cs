using MiniNet.Kernels;
using MiniNet.Tests.Kernels;

namespace MiniNet.Tests.Ops;

/// <summary>
/// Where, MaskedFill and Gather: forward values worked out by hand (PyTorch's documented examples where it has them),
/// broadcasting against index-arithmetic references, and gradients by GradCheck in float64 and by hand.
/// </summary>
public class SelectionTests
{
    /// <summary>A float64 mask of 0s and 1s (a fixed seed: some of each), constant for the gradient check.</summary>
    private static Tensor Mask(Shape shape, ulong seed)
    {
        var random = new Generator(seed);
        var values = new double[shape.ElementCount];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextInt(2);
        return Tensor.FromArray(values, shape);
    }

    // ---- Where ----

    [Fact]
    public void Where_takes_the_first_choice_where_the_condition_is_nonzero_and_NaN_counts_as_true()
    {
        var condition = Tensor.FromArray(new[] { 1.0, 0.0, 2.5, -0.0, double.NaN, -1.0 });
        var whenTrue = Tensor.FromArray(new[] { 1.0, 2, 3, 4, 5, 6 });
        var whenFalse = Tensor.FromArray(new[] { 10.0, 20, 30, 40, 50, 60 });
        Assert.Equal([1.0, 20, 3, 40, 5, 6], Tensor.Where(condition, whenTrue, whenFalse).ToArray<double>());
        // A mask from a comparison: torch.where(x > 0, x, 0.1 * x) is a leaky ReLU.
        var x = Tensor.FromArray(new[] { -2f, 0f, 3f });
        Assert.Equal([-0.2f, 0f, 3f], Tensor.Where(x.Gt(0), x, x * 0.1).ToArray<float>());
    }

    public static readonly TheoryData<string, string, string> ShapeTriples = new()
    {
        { "[2, 3]", "[2, 3]", "[2, 3]" },
        { "[2, 1]", "[3]", "[]" },       // all three broadcast to [2, 3]
        { "[3]", "[2, 1]", "[2, 3]" },
        { "[]", "[2, 3]", "[3]" },        // a scalar condition
        { "[4, 1, 3]", "[2, 1]", "[1, 3]" },
        { "[2, 3]", "[1]", "[2, 1]" },
        { "[1, 2, 1]", "[3, 1, 4]", "[4]" },
    };

    [Theory]
    [MemberData(nameof(ShapeTriples))]
    public void Where_broadcasts_all_three_operands(string conditionShape, string trueShape, string falseShape)
    {
        var condition = Mask(TestData.ParseShape(conditionShape), 81);
        var whenTrue = TestData.Uniform(TestData.ParseShape(trueShape), -2, 2, 82, requiresGrad: false);
        var whenFalse = TestData.Uniform(TestData.ParseShape(falseShape), 5, 9, 83, requiresGrad: false);
        // Reference: broadcast the condition against each choice by index arithmetic, then pick.
        var fromTrue = TestData.BroadcastReference(condition, whenTrue, (c, t) => c != 0 ? t : double.NaN, out var shape1);
        var fromFalse = TestData.BroadcastReference(condition, whenFalse, (c, f) => c != 0 ? double.NaN : f, out var shape2);
        var shape = TestData.BroadcastShape(shape1, shape2);
        var expected = new double[shape.Aggregate(1, (n, d) => n * d)];
        for (int i = 0; i < expected.Length; i++)
        {
            var index = TestData.Unravel(i, shape);
            double t = fromTrue[TestData.SourceIndex(index, shape1)], f = fromFalse[TestData.SourceIndex(index, shape2)];
            expected[i] = double.IsNaN(t) ? f : t;
        }
        var y = Tensor.Where(condition, whenTrue, whenFalse);
        Assert.Equal(shape, y.Shape.ToArray());
        Assert.Equal(expected, y.ToArray<double>());
    }

    [Theory]
    [MemberData(nameof(ShapeTriples))]
    public void Where_gradient_matches_finite_differences(string conditionShape, string trueShape, string falseShape)
    {
        var condition = Mask(TestData.ParseShape(conditionShape), 84);
        var whenTrue = TestData.Uniform(TestData.ParseShape(trueShape), -2, 2, 85);
        var whenFalse = TestData.Uniform(TestData.ParseShape(falseShape), -2, 2, 86);
        GradCheck.Assert(xs => Tensor.Where(condition, xs[0], xs[1]), [whenTrue, whenFalse]);
        GradCheck.Assert(xs => Tensor.Where(condition, xs[0] * xs[0], xs[0].Exp()), [whenTrue]); // one tensor on both sides
    }

    [Fact]
    public void Where_sends_the_gradient_to_the_choice_that_was_taken_summed_where_broadcast()
    {
        var condition = Tensor.FromArray(new double[,] { { 1, 0, 1 }, { 1, 1, 0 } });
        var whenTrue = Tensor.FromArray(new[] { 1.0, 2, 3 }).RequireGrad();  // broadcast over the rows
        var whenFalse = Tensor.Scalar(double.NaN, DType.Float64).RequireGrad(); // never chosen twice, NaN value
        Tensor.Where(condition, whenTrue, whenFalse).Sum().Backward();
        Assert.Equal([2.0, 1, 1], whenTrue.Grad!.ToArray<double>()); // how often each column chose whenTrue
        Assert.Equal(2.0, whenFalse.Grad!.Item());                    // two zeros in the condition; the NaN value does not leak
        // A choice never taken gets a zero gradient, not NaN.
        var x = Tensor.FromArray(new[] { double.NaN, 1 }).RequireGrad();
        Tensor.Where(Tensor.FromArray(new[] { 0.0, 1 }), Tensor.FromArray(new[] { 5.0, 5 }), x).Sum().Backward();
        Assert.Equal([1.0, 0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void The_mask_kernels_give_the_same_bits_at_every_vector_width()
    {
        double[] masks = [1, 0, -0.0, double.NaN, 2, double.NegativeInfinity, 0, 1, 0.5];
        double[] values = [-1, 2, -3, 4, double.NaN, 6, -0.0, double.PositiveInfinity, 9];
        double[] kept = [-1, 0, 0, 4, double.NaN, 6, 0, double.PositiveInfinity, 9];
        double[] filled = [7.25, 2, -3, 7.25, 7.25, 7.25, -0.0, 7.25, 7.25];
        foreach (int width in AtEveryWidth.Widths)
        {
            Assert.Equal(kept, AtEveryWidth.Apply(masks, values, width, new ComparisonTests.OperatorAt<KeepWhereOp>(default)));
            Assert.Equal(filled, AtEveryWidth.Apply(masks, values, width, new ComparisonTests.OperatorAt<FillWhereOp>(new FillWhereOp(7.25))));
            var floats = AtEveryWidth.Apply(masks.Select(m => (float)m).ToArray(), values.Select(v => (float)v).ToArray(), width,
                new ComparisonTests.OperatorAt<FillWhereOp>(new FillWhereOp(7.25)));
            Assert.Equal(filled, floats.Select(v => (double)v));
        }
    }

    // ---- MaskedFill ----

    [Fact]
    public void MaskedFill_puts_the_value_where_the_mask_is_nonzero_broadcasting_the_mask()
    {
        var scores = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var padding = Tensor.FromArray(new float[] { 0, 0, 1 }); // the last column is padding
        Assert.Equal([1f, 2, float.NegativeInfinity, 4, 5, float.NegativeInfinity],
            scores.MaskedFill(padding, double.NegativeInfinity).ToArray<float>());
        // The value is rounded to the dtype; NaN in the mask counts as true, −0 as false.
        var filled = Tensor.FromArray(new float[] { 1, 2, 3 }).MaskedFill(Tensor.FromArray(new float[] { float.NaN, -0f, 1 }), 0.1);
        Assert.Equal([0.1f, 2, 0.1f], filled.ToArray<float>());
        // As torch.masked_fill, a larger mask broadcasts the input up to its shape.
        var wide = Tensor.FromArray(new double[] { 1, 2 }).MaskedFill(Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 } }), 9);
        Assert.Equal([2, 2], wide.Shape);
        Assert.Equal([9.0, 2, 1, 9], wide.ToArray<double>());
    }

    [Fact]
    public void MaskedFill_gradient_is_zero_where_filled()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2, 3 }).RequireGrad();
        (x.MaskedFill(Tensor.FromArray(new[] { 0.0, 1, 0 }), 5) * Tensor.FromArray(new[] { 2.0, 3, 4 })).Sum().Backward();
        Assert.Equal([2.0, 0, 4], x.Grad!.ToArray<double>());
        // Broadcast up by the mask: the gradient is summed back over the rows that kept it.
        var row = Tensor.FromArray(new[] { 1.0, 2 }).RequireGrad();
        row.MaskedFill(Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 0 }, { 1, 1 } }), -1).Sum().Backward();
        Assert.Equal([1.0, 2], row.Grad!.ToArray<double>());
    }

    [Theory]
    [InlineData("[2, 3]", "[2, 3]")]
    [InlineData("[2, 3]", "[3]")]
    [InlineData("[2, 3]", "[2, 1]")]
    [InlineData("[3]", "[2, 3]")]
    [InlineData("[]", "[4]")]
    [InlineData("[2, 1, 3]", "[4, 1]")]
    public void MaskedFill_gradient_matches_finite_differences(string inputShape, string maskShape)
    {
        var mask = Mask(TestData.ParseShape(maskShape), 87);
        GradCheck.Assert(x => x.MaskedFill(mask, -7.5).Tanh(), TestData.Uniform(TestData.ParseShape(inputShape), -2, 2, 88));
    }

    // ---- Gather ----

    [Fact]
    public void Gather_gives_PyTorchs_documented_example()
    {
        // torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]])) → [[1, 1], [4, 3]]
        var t = Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } });
        var gathered = t.Gather(1, Tensor.FromArray(new float[,] { { 0, 0 }, { 1, 0 } }));
        Assert.Equal([2, 2], gathered.Shape);
        Assert.Equal([1f, 1, 4, 3], gathered.ToArray<float>());
        // Along axis 0: y[i, j] = x[index[i, j], j]; a float64 index picks from a float32 input.
        var x = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([4f, 2, 6], x.Gather(0, Tensor.FromArray(new double[,] { { 1, 0, 1 } })).ToArray<float>());
        // An index smaller than the input off the axis reads only its corner: x[i, index[i, j]] for i < 1, j < 2.
        Assert.Equal([3f, 3], x.Gather(-1, Tensor.FromArray(new float[,] { { 2, 2 } })).ToArray<float>());
        Assert.Equal([0, 3], x.Gather(1, Tensor.Zeros([0, 3])).Shape);
    }

    [Fact]
    public void Gather_in_three_dimensions_matches_index_arithmetic()
    {
        var random = new Generator(89);
        var x = TestData.Uniform([3, 4, 5], -1, 1, 90, requiresGrad: false);
        foreach (int axis in new[] { 0, 1, 2 })
        {
            int[] indexDims = [2, 3, 4];
            indexDims[axis] = 6; // more picks than the axis holds: repeats
            var indices = new double[indexDims[0] * indexDims[1] * indexDims[2]];
            for (int i = 0; i < indices.Length; i++) indices[i] = random.NextInt(x.Shape[axis]);
            var index = Tensor.FromArray(indices, indexDims);
            var y = x.Gather(axis, index);
            Assert.Equal(indexDims, y.Shape.ToArray());
            var source = x.ToArray<double>();
            for (int i = 0; i < indices.Length; i++)
            {
                var position = TestData.Unravel(i, indexDims);
                position[axis] = (int)indices[i];
                Assert.Equal(source[(position[0] * 4 + position[1]) * 5 + position[2]], y.ToArray<double>()[i]);
            }
        }
    }

    [Fact]
    public void Gather_scatters_the_gradient_back_adding_where_an_element_was_picked_twice()
    {
        var x = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }).RequireGrad();
        var y = x.Gather(1, Tensor.FromArray(new double[,] { { 0, 0, 2 }, { 1, 1, 1 } }));
        (y * Tensor.FromArray(new double[,] { { 1, 10, 100 }, { 2, 3, 4 } })).Sum().Backward();
        Assert.Equal([11.0, 0, 100, 0, 9, 0], x.Grad!.ToArray<double>());
    }

    [Theory]
    [InlineData("[3, 4]", 0, "[5, 4]")]
    [InlineData("[3, 4]", 1, "[3, 6]")]
    [InlineData("[3, 4]", -1, "[2, 2]")]
    [InlineData("[2, 3, 4]", 1, "[2, 5, 3]")]
    [InlineData("[5]", 0, "[7]")]
    public void Gather_gradient_matches_finite_differences(string inputShape, int axis, string indexShape)
    {
        var shape = TestData.ParseShape(inputShape);
        var dims = TestData.ParseShape(indexShape);
        var random = new Generator(91);
        var indices = new double[dims.ElementCount];
        for (int i = 0; i < indices.Length; i++) indices[i] = random.NextInt(shape[axis]);
        var index = Tensor.FromArray(indices, dims);
        GradCheck.Assert(x => x.Gather(axis, index).Pow(2), TestData.Uniform(shape, -2, 2, 92));
    }

    [Fact]
    public void Gather_picks_each_rows_logit_at_the_class_the_softmax_head_predicts()
    {
        var logits = Tensor.Randn([6, 4], seed: 93);
        var picked = logits.Gather(1, new SoftmaxHead().Predict(logits).Unsqueeze(1)); // logits.gather(1, logits.argmax(1, keepdim=True))
        TestData.AssertBitwiseEqual(logits.Max(1, keepDims: true), picked);
    }
}
