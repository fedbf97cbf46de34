using System.Numerics;
using System.Reflection;
using MiniNet.Kernels;
using MiniNet.Tests.Kernels;

namespace MiniNet.Tests.Ops;

/// <summary>
/// Eq, Ne, Gt, Ge, Lt and Le: 0/1 masks in the inputs' dtype, as PyTorch's comparisons (bool there), with broadcasting,
/// IEEE NaN and signed-zero rules, and no gradient; and tensor == / != refused at compile time.
/// </summary>
public class ComparisonTests
{
    // The specials every comparison must get right: NaN on either side, ±0, ±∞ and an ordinary tie.
    private static readonly double[] Left = [1, 2, 3, double.NaN, 1, double.NaN, 0, double.PositiveInfinity, double.NegativeInfinity, -1];
    private static readonly double[] Right = [2, 2, 1, 1, double.NaN, double.NaN, -0.0, double.PositiveInfinity, 5, double.NegativeInfinity];

    /// <summary>Each op's expected mask on Left and Right, worked out by hand (a comparison with NaN is false, except ≠).</summary>
    public static readonly TheoryData<string, double[]> Expected = new()
    {
        { "Eq", [0, 1, 0, 0, 0, 0, 1, 1, 0, 0] },
        { "Ne", [1, 0, 1, 1, 1, 1, 0, 0, 1, 1] },
        { "Gt", [0, 0, 1, 0, 0, 0, 0, 0, 0, 1] },
        { "Ge", [0, 1, 1, 0, 0, 0, 1, 1, 0, 1] },
        { "Lt", [1, 0, 0, 0, 0, 0, 0, 0, 1, 0] },
        { "Le", [1, 1, 0, 0, 0, 0, 1, 1, 1, 0] },
    };

    private static Tensor Compare(string op, Tensor a, Tensor b) => op switch
    {
        "Eq" => a.Eq(b),
        "Ne" => a.Ne(b),
        "Gt" => a.Gt(b),
        "Ge" => a.Ge(b),
        "Lt" => a.Lt(b),
        "Le" => a.Le(b),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    private static Tensor Compare(string op, Tensor a, double b) => op switch
    {
        "Eq" => a.Eq(b),
        "Ne" => a.Ne(b),
        "Gt" => a.Gt(b),
        "Ge" => a.Ge(b),
        "Lt" => a.Lt(b),
        "Le" => a.Le(b),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    private static Tensor Make(double[] values, DType dtype) => Tensor.FromArray(values).To(dtype);

    [Theory]
    [MemberData(nameof(Expected))]
    public void A_comparison_gives_1_where_true_and_0_where_false_with_IEEE_NaN_and_zero_rules(string op, double[] expected)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var mask = Compare(op, Make(Left, dtype), Make(Right, dtype));
            Assert.Equal(dtype, mask.DType);
            Assert.Equal([Left.Length], mask.Shape);
            Assert.Equal(expected, TestData.Values(mask));

            // Against a number: each element of Left with each special of Right in turn.
            for (int k = 0; k < Right.Length; k++)
                Assert.Equal(expected[k], Compare(op, Make([Left[k]], dtype), Right[k]).Item());
        }
    }

    public static readonly TheoryData<string> Names = new() { "Eq", "Ne", "Gt", "Ge", "Lt", "Le" };

    [Theory]
    [MemberData(nameof(Names))]
    public void A_comparison_broadcasts_as_the_arithmetic_ops_do(string op)
    {
        var random = new Generator(71);
        foreach (var (aShape, bShape) in new (Shape, Shape)[] { ([2, 1], [3]), ([4, 1, 3], [2, 1]), ([], [2, 3]), ([2, 3], []) })
        {
            // Whole numbers from a small range, so that ties occur and Eq/Ge/Le see them.
            var a = Tensor.FromArray(TestData.Values(Tensor.Uniform(aShape, 0, 3, random, DType.Float64)).Select(Math.Floor).ToArray(), aShape);
            var b = Tensor.FromArray(TestData.Values(Tensor.Uniform(bShape, 0, 3, random, DType.Float64)).Select(Math.Floor).ToArray(), bShape);
            Func<double, double, bool> holds = op switch
            {
                "Eq" => (x, y) => x == y,
                "Ne" => (x, y) => x != y,
                "Gt" => (x, y) => x > y,
                "Ge" => (x, y) => x >= y,
                "Lt" => (x, y) => x < y,
                _ => (x, y) => x <= y,
            };
            var expected = TestData.BroadcastReference(a, b, (x, y) => holds(x, y) ? 1 : 0, out var shape);
            var mask = Compare(op, a, b);
            Assert.Equal(shape, mask.Shape.ToArray());
            Assert.Equal(expected, TestData.Values(mask));
        }
    }

    [Fact]
    public void A_number_is_rounded_to_the_tensors_dtype_before_comparing_as_in_PyTorch()
    {
        // torch.tensor([0.1], dtype=torch.float32) == 0.1 is True: the 0.1 becomes float32's 0.1 first.
        Assert.Equal(1, Tensor.FromArray(new[] { 0.1f }).Eq(0.1).Item());
        Assert.Equal(0, Tensor.FromArray(new[] { 0.1f }).To(DType.Float64).Eq(0.1).Item()); // (double)0.1f ≠ 0.1
        Assert.Equal(0, Tensor.FromArray(new[] { 0.1f }).Gt(0.1).Item());
    }

    [Fact]
    public void A_mask_is_not_differentiable_even_from_inputs_that_require_grad()
    {
        var a = Tensor.FromArray(new[] { 1.0, 2.0 }).RequireGrad();
        var b = Tensor.FromArray(new[] { 2.0, 2.0 }).RequireGrad();
        foreach (var mask in new[] { a.Eq(b), a.Ne(b), a.Gt(b), a.Ge(1.5), a.Lt(b), a.Le(0) })
        {
            Assert.False(mask.RequiresGrad);
            Assert.Null(mask.GradFnName);
        }
        // A mask times the input is a differentiable selection: the gradient flows where the mask is 1.
        (a * a.Gt(1.5)).Sum().Backward();
        Assert.Equal([0.0, 1.0], a.Grad!.ToArray<double>());
    }

    /// <summary>The operator structs at every width against the scalar comparisons of C#: the same bits on every CPU.</summary>
    [Fact]
    public void Every_comparison_kernel_gives_the_same_mask_at_every_vector_width()
    {
        var random = new Generator(72);
        var xs = new double[67];
        var ys = new double[67];
        double[] specials = [double.NaN, 0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, 1.0];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = i % 5 == 0 ? specials[random.NextInt(specials.Length)] : Math.Floor(random.NextDouble() * 4);
            ys[i] = i % 7 == 0 ? specials[random.NextInt(specials.Length)] : Math.Floor(random.NextDouble() * 4);
        }
        CheckAtEveryWidth<EqualOp>(xs, ys, (x, y) => x == y);
        CheckAtEveryWidth<NotEqualOp>(xs, ys, (x, y) => x != y);
        CheckAtEveryWidth<GreaterThanOp>(xs, ys, (x, y) => x > y);
        CheckAtEveryWidth<GreaterThanOrEqualOp>(xs, ys, (x, y) => x >= y);
        CheckAtEveryWidth<LessThanOp>(xs, ys, (x, y) => x < y);
        CheckAtEveryWidth<LessThanOrEqualOp>(xs, ys, (x, y) => x <= y);
    }

    private static void CheckAtEveryWidth<TOp>(double[] xs, double[] ys, Func<double, double, bool> holds) where TOp : struct, IBinaryOp
    {
        var expected = xs.Zip(ys, (x, y) => holds(x, y) ? 1.0 : 0.0).ToArray();
        var floats = xs.Select(x => (float)x).ToArray();
        var otherFloats = ys.Select(y => (float)y).ToArray();
        foreach (int width in AtEveryWidth.Widths)
        {
            Assert.Equal(expected, AtEveryWidth.Apply(xs, ys, width, new OperatorAt<TOp>(default)));
            Assert.Equal(expected, AtEveryWidth.Apply(floats, otherFloats, width, new OperatorAt<TOp>(default)).Select(v => (double)v));
        }
    }

    /// <summary>An operator struct as the lanes function AtEveryWidth runs.</summary>
    internal sealed class OperatorAt<TOp>(TOp op) : AtEveryWidth.IBinary where TOp : struct, IBinaryOp
    {
        public TVector Apply<T, TVector, TLanes>(TVector x, TVector y) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
            op.Invoke<T, TVector, TLanes>(x, y);
    }

    [Theory]
    [InlineData("op_Equality")]
    [InlineData("op_Inequality")]
    public void Tensor_equality_operators_are_compile_errors_that_say_what_to_write_instead(string name)
    {
        // a == b on tensors would be a reference comparison: always false for two tensors of equal elements. The operators
        // exist only to refuse: [Obsolete(error: true)] makes every use (t == null too) error CS0619 with this message.
        var method = typeof(Tensor).GetMethod(name, BindingFlags.Public | BindingFlags.Static, [typeof(Tensor), typeof(Tensor)]);
        Assert.NotNull(method);
        var obsolete = method.GetCustomAttribute<ObsoleteAttribute>();
        Assert.NotNull(obsolete);
        Assert.True(obsolete.IsError, $"{name} must be an error, not a warning");
        foreach (var advice in new[] { "compare references, not elements", "a.Eq(b)", "a.Ne(b)", "ReferenceEquals(a, b)", "'is null'", "'is not null'" })
            Assert.Contains(advice, obsolete.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensors_are_equal_only_to_themselves_and_Eq_compares_elements()
    {
        var a = Tensor.FromArray(new[] { 1f, 2f });
        var b = Tensor.FromArray(new[] { 1f, 2f });
        Assert.False(a.Equals(b));
        Assert.True(a.Equals(a));
        Assert.Equal(2, new HashSet<Tensor> { a, b }.Count); // equal elements, but two tensors
        Assert.Equal([1f, 1f], a.Eq(b).ToArray<float>());
    }
}
