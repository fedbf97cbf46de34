namespace MiniNet.Tests.Ops;

/// <summary>The checks every elementwise unary op goes through; the Math and Activation test classes feed it their ops.</summary>
internal static class UnaryOpChecks
{
    /// <summary>Shapes for gradient checks: rank 0, size-1 dimensions, a vector, a matrix, and a rank-3 tensor.</summary>
    public static readonly string[] Shapes = ["[]", "[1]", "[7]", "[2, 3]", "[3, 1, 2]"];

    public static TheoryData<string, string> Cases(Func<UnaryOp, bool> where)
    {
        var data = new TheoryData<string, string>();
        var random = new Generator(77);
        foreach (var op in UnaryOp.All.Where(where))
        {
            foreach (var shape in Shapes) data.Add(op.Name, shape);
            data.Add(op.Name, TestData.RandomShape(random, 1, 4, 4).ToString()); // a seeded random shape
        }
        return data;
    }

    public static void GradientMatchesFiniteDifferences(string name, string shape)
    {
        var op = UnaryOp.Named(name);
        var x = op.GradCheckInput(TestData.ParseShape(shape), (ulong)(name.Length * 31 + shape.Length));
        GradCheck.Assert(op.Apply, x);
    }

    /// <summary>
    /// The length of the forward checks: 1,039 = 64·16 + 8 + 4 + 3 floats = 129·8 + 4 + 2 + 1 doubles, so that after
    /// the widest vector loop every narrower loop and the scalar tail get elements, on an AVX-512 CPU as on any other.
    /// </summary>
    public const int ForwardLength = 1039;

    /// <summary>Float64 forward against the reference on <see cref="ForwardLength"/> values, within the op's ulp budget.</summary>
    public static void Float64ForwardMatchesReference(string name)
    {
        var op = UnaryOp.Named(name);
        int ulps = op.Ulps;
        var x = Tensor.Uniform([ForwardLength], op.Low, op.High, new Generator(5), DType.Float64);
        var expected = x.ToArray<double>().Select(op.Reference).ToArray();
        var actual = op.Apply(x).ToArray<double>();
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] == actual[i]) continue;
            Assert.True(Math.Sign(expected[i]) == Math.Sign(actual[i]) && TestData.UlpDistance(expected[i], actual[i]) <= ulps,
                $"{name}({x.ToArray<double>()[i]:R}): expected {expected[i]:R}, got {actual[i]:R} ({TestData.UlpDistance(expected[i], actual[i])} ulps apart)");
        }
    }

    /// <summary>Float32 forward against the reference computed in double and rounded to float, within the op's ulp budget.</summary>
    public static void Float32ForwardMatchesReference(string name)
    {
        var op = UnaryOp.Named(name);
        int ulps = op.Ulps;
        var x = Tensor.Uniform([ForwardLength], op.Low, op.High, new Generator(6));
        var expected = x.ToArray<float>().Select(v => (float)op.Reference(v)).ToArray();
        var actual = op.Apply(x).ToArray<float>();
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] == actual[i]) continue;
            Assert.True(Math.Sign(expected[i]) == Math.Sign(actual[i]) && TestData.UlpDistance(expected[i], actual[i]) <= ulps,
                $"{name}({x.ToArray<float>()[i]:R}): expected {expected[i]:R}, got {actual[i]:R} ({TestData.UlpDistance(expected[i], actual[i])} ulps apart)");
        }
    }

    /// <summary>A NaN anywhere in the input gives NaN at that position, at every vector width, and leaves the others alone.</summary>
    public static void NaNPropagates(string name, DType dtype)
    {
        var op = UnaryOp.Named(name);
        foreach (int length in new[] { 1, 5, 19, 67 })
        {
            var values = new double[length];
            for (int i = 0; i < length; i++) values[i] = op.Low + (op.High - op.Low) * (i + 0.5) / length;
            foreach (int at in new[] { 0, length / 2, length - 1 })
            {
                var withNaN = (double[])values.Clone();
                withNaN[at] = double.NaN;
                var y = TestData.Values(op.Apply(Tensor.FromArray(withNaN).To(dtype)));
                Assert.True(double.IsNaN(y[at]), $"{name}: NaN at {at} of {length} gave {y[at]}");
                for (int i = 0; i < length; i++)
                    if (i != at) Assert.False(double.IsNaN(y[i]), $"{name}: NaN leaked from {at} to {i} of {length}");
            }
        }
    }
}
