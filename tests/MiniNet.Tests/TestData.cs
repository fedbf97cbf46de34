using System.Globalization;

namespace MiniNet.Tests;

/// <summary>
/// Inputs for the tests, all drawn from seeded <see cref="Generator"/>s so that every run sees the same
/// numbers, and the independent references (plain loops in double) the ops are compared with.
/// </summary>
internal static class TestData
{
    /// <summary>A float64 tensor uniform in [low, high), requiring grad unless told otherwise.</summary>
    public static Tensor Uniform(Shape shape, double low, double high, ulong seed, bool requiresGrad = true) =>
        Tensor.Uniform(shape, low, high, new Generator(seed), DType.Float64).RequireGrad(requiresGrad);

    /// <summary>Float64 values of magnitude in [0.2, 2] with random signs: at least 0.2 from a kink at 0.</summary>
    public static Tensor AwayFromZero(Shape shape, ulong seed)
    {
        var random = new Generator(seed);
        var values = new double[shape.ElementCount];
        for (int i = 0; i < values.Length; i++)
            values[i] = (random.NextInt(2) == 0 ? -1 : 1) * (0.2 + 1.8 * random.NextDouble());
        return Tensor.FromArray(values, shape).RequireGrad();
    }

    /// <summary>Float64 values that are all distinct, at least 0.1 apart, in random order (no ties for Max to split).</summary>
    public static Tensor Distinct(Shape shape, ulong seed)
    {
        var order = new Generator(seed).Permutation(shape.ElementCount);
        var values = new double[order.Length];
        for (int i = 0; i < values.Length; i++) values[i] = (order[i] - values.Length / 2.0) * 0.1 + 0.01;
        return Tensor.FromArray(values, shape).RequireGrad();
    }

    /// <summary>A shape of rank in [minRank, maxRank] with every dimension in [1, maxDim].</summary>
    public static Shape RandomShape(Generator random, int minRank, int maxRank, int maxDim)
    {
        var dims = new int[minRank + random.NextInt(maxRank - minRank + 1)];
        for (int i = 0; i < dims.Length; i++) dims[i] = 1 + random.NextInt(maxDim);
        return dims;
    }

    /// <summary>
    /// Two shapes that broadcast: a random output shape; each operand drops some leading dimensions
    /// and sets some others to 1, so that either side (or both) may be the one that is broadcast.
    /// </summary>
    public static (Shape A, Shape B) RandomBroadcastPair(Generator random)
    {
        var output = RandomShape(random, 0, 4, 3).ToArray();
        return (Operand(), Operand());

        Shape Operand()
        {
            int drop = random.NextInt(output.Length + 1);
            var dims = output[drop..];
            for (int i = 0; i < dims.Length; i++)
                if (random.NextInt(3) == 0) dims[i] = 1;
            return dims;
        }
    }

    /// <summary>Parses "[2, 3]" (or "[]") into a shape: theory data stays readable in the test explorer.</summary>
    public static Shape ParseShape(string text)
    {
        var inner = text.Trim().TrimStart('[').TrimEnd(']');
        if (inner.Length == 0) return [];
        return inner.Split(',').Select(s => int.Parse(s.Trim(), CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The NumPy broadcast of two shapes, computed independently of <see cref="Shape.Broadcast"/>.</summary>
    public static int[] BroadcastShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1) throw new ArgumentException("not broadcastable");
            dims[i] = Math.Max(da, db) == 0 || Math.Min(da, db) == 0 ? 0 : Math.Max(da, db);
        }
        return dims;
    }

    /// <summary>The flat index into an operand of shape <paramref name="dims"/> that output position <paramref name="index"/> reads.</summary>
    public static int SourceIndex(int[] index, int[] dims)
    {
        int offset = index.Length - dims.Length, flat = 0;
        for (int d = 0; d < dims.Length; d++) flat = flat * dims[d] + (dims[d] == 1 ? 0 : index[d + offset]);
        return flat;
    }

    /// <summary>Row-major multi-index of a flat position.</summary>
    public static int[] Unravel(int flat, int[] dims)
    {
        var index = new int[dims.Length];
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            index[d] = flat % dims[d];
            flat /= dims[d];
        }
        return index;
    }

    /// <summary>f(a, b) with broadcasting, by index arithmetic in double: the reference for the binary ops.</summary>
    public static double[] BroadcastReference(Tensor a, Tensor b, Func<double, double, double> f, out int[] shape)
    {
        int[] aDims = a.Shape.ToArray(), bDims = b.Shape.ToArray();
        shape = BroadcastShape(aDims, bDims);
        int count = 1;
        foreach (int d in shape) count *= d;
        var av = Values(a);
        var bv = Values(b);
        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            var index = Unravel(i, shape);
            result[i] = f(av[SourceIndex(index, aDims)], bv[SourceIndex(index, bDims)]);
        }
        return result;
    }

    /// <summary>The elements widened to double, whatever the dtype.</summary>
    public static double[] Values(Tensor t) =>
        t.DType == DType.Float64 ? t.ToArray<double>() : t.ToArray<float>().Select(v => (double)v).ToArray();

    /// <summary>Asserts |expected − actual| ≤ atol + rtol·|expected| element by element, naming the first offender.</summary>
    public static void AssertClose(double[] expected, Tensor actual, double rtol, double atol = 0)
    {
        var values = Values(actual);
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            if (expected[i].Equals(values[i])) continue; // equal, or both NaN, or the same infinity
            double allowed = atol + rtol * Math.Abs(expected[i]);
            Assert.True(Math.Abs(expected[i] - values[i]) <= allowed,
                $"element {i}: expected {expected[i]:R}, got {values[i]:R} (difference {Math.Abs(expected[i] - values[i]):g3}, allowed {allowed:g3})");
        }
    }

    /// <summary>Asserts two tensors hold the same bits in the same shape.</summary>
    public static void AssertBitwiseEqual(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(Values(expected).Select(BitConverter.DoubleToInt64Bits), Values(actual).Select(BitConverter.DoubleToInt64Bits));
    }

    /// <summary>The distance in units in the last place between two doubles of the same sign.</summary>
    public static long UlpDistance(double a, double b) =>
        Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    /// <summary>The distance in units in the last place between two floats of the same sign.</summary>
    public static int UlpDistance(float a, float b) =>
        Math.Abs(BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));
}
