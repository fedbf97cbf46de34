using MiniNet.Optim;

namespace MiniNet.Tests.Optim;

/// <summary>Runs an optimiser over the reference inputs and compares with PyTorch's trajectories.</summary>
internal static class OptimTestKit
{
    // 37 elements reach every vector width (16 + 16 + 4 floats, or 8·4 + 4 doubles) and a scalar tail;
    // [3, 5] is a second parameter in the same optimiser. Element i of each follows reference element i mod 6:
    // optimisers act elementwise, so every element must reproduce PyTorch's value for its pattern position.
    private static readonly Shape[] Shapes = [[37], [3, 5]];

    /// <summary>float64 trajectories must match PyTorch's to 1e-12 relative.</summary>
    public const double Float64Tolerance = 1e-12;

    /// <summary>
    /// float32 runs must match PyTorch's float32 to 8 float32 ulps (2⁻²³ ≈ 1.2e-7 relative each): both
    /// round every operation to float32, PyTorch sometimes with a fused multiply-add, MiniNet never.
    /// </summary>
    public const double Float32Tolerance = 8 * 1.1920928955078125e-7;

    public static Tensor Tile(double[] pattern, Shape shape, DType dtype)
    {
        var values = new double[shape.ElementCount];
        for (int i = 0; i < values.Length; i++) values[i] = pattern[i % pattern.Length];
        return dtype == DType.Float64
            ? Tensor.FromArray(values, shape)
            : Tensor.FromArray(Array.ConvertAll(values, v => (float)v), shape);
    }

    public static Tensor[] Parameters(DType dtype) =>
        Array.ConvertAll(Shapes, shape => Tile(OptimizerReference.Theta0, shape, dtype).RequireGrad());

    /// <summary>Steps a fresh optimiser through the reference gradients and checks θ after every step.</summary>
    public static void AssertMatchesPyTorch(Func<IEnumerable<Tensor>, Optimizer> make, double[][] expected, DType dtype = DType.Float64)
    {
        var parameters = Parameters(dtype);
        var optimizer = make(parameters);
        for (int step = 0; step < expected.Length; step++)
        {
            foreach (var parameter in parameters)
                parameter.Grad = Tile(OptimizerReference.StepGradients[step], parameter.Shape, dtype);
            optimizer.Step();
            foreach (var parameter in parameters)
                AssertTiled(expected[step], parameter, dtype == DType.Float64 ? Float64Tolerance : Float32Tolerance, $"step {step + 1}");
        }
    }

    /// <summary>Checks that element i of <paramref name="actual"/> equals pattern[i mod length] to a relative tolerance.</summary>
    public static void AssertTiled(double[] pattern, Tensor actual, double relativeTolerance, string context)
    {
        for (int i = 0; i < actual.ElementCount; i++)
        {
            double expected = pattern[i % pattern.Length], value = actual.GetFlat(i);
            Assert.True(Close(value, expected, relativeTolerance),
                $"{context}, {actual.Shape} {actual.DType} element {i}: expected {expected:R}, got {value:R} (relative error {Math.Abs(value - expected) / Math.Abs(expected):E2}).");
        }
    }

    /// <summary>|a − b| ≤ tolerance·|b|; an expected 0 must be matched exactly (up to sign).</summary>
    public static bool Close(double actual, double expected, double relativeTolerance) =>
        Math.Abs(actual - expected) <= relativeTolerance * Math.Abs(expected);
}
