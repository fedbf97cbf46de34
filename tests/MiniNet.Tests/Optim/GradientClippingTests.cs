using MiniNet.Optim;

namespace MiniNet.Tests.Optim;

// Clipping against PyTorch 1.13's clip_grad_norm_ / clip_grad_value_. Three parameters: a [2, 3] with gradient
// G1, a [5] without gradient, a [4] with gradient G3. Generated with /usr/bin/python3 by:
//
// # PyTorch 1.13 clip_grad_norm_ / clip_grad_value_ on three parameters, one without a gradient.
// import torch, math
// from torch.nn.utils import clip_grad_norm_, clip_grad_value_
// G1 = [[0.5, -1.25, 2.0], [3.0, -0.75, 0.125]]
// G3 = [-4.0, 0.25, 1.5, -0.5]
// def params(dtype, g1=G1, g3=G3):
//     a = torch.zeros(2, 3, dtype=dtype, requires_grad=True); a.grad = torch.tensor(g1, dtype=dtype)
//     b = torch.zeros(5, dtype=dtype, requires_grad=True)  # no gradient
//     c = torch.zeros(4, dtype=dtype, requires_grad=True); c.grad = torch.tensor(g3, dtype=dtype)
//     return [a, b, c]
// def fmt(xs): return "[" + ", ".join(repr(float(x)) for x in xs) + "]"
// for dtype in [torch.float64, torch.float32]:
//     for max_norm, p in [(1.0, 2.0), (100.0, 2.0), (2.5, 1.0), (0.5, math.inf), (1.5, 3.0), (1.0, 0.5)]:
//         ps = params(dtype)
//         total = clip_grad_norm_(ps, max_norm, norm_type=p)
//         print(dtype, max_norm, p, repr(float(total)), fmt(ps[0].grad.flatten()), fmt(ps[2].grad))
// ps = params(torch.float64); clip_grad_value_(ps, 1.0); print("value", fmt(ps[0].grad.flatten()), fmt(ps[2].grad))
// ps = params(torch.float64, g3=[-4.0, float('nan'), 1.5, -0.5]); t = clip_grad_norm_(ps, 1.0); print("nan", t, fmt(ps[0].grad.flatten()), fmt(ps[2].grad))
// ps = params(torch.float64, g3=[-4.0, float('inf'), 1.5, -0.5]); t = clip_grad_norm_(ps, 1.0); print("inf", t, fmt(ps[0].grad.flatten()), fmt(ps[2].grad))
// ps = params(torch.float64, g3=[-4.0, float('inf'), 1.5, -0.5]); t = clip_grad_norm_(ps, 1.0, norm_type=math.inf); print("inf-inf", t, fmt(ps[0].grad.flatten()), fmt(ps[2].grad))
// ps = params(torch.float64, g3=[-4.0, float('nan'), 1.5, -0.5])
// try: clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
// except RuntimeError as e: print("error:", e)
// ps = params(torch.float64, g1=[[1e200]*3]*2, g3=[1e200]*4); t = clip_grad_norm_(ps, 1.0); print("overflow", t)
// ps = params(torch.float64, g3=[-4.0, float('nan'), 1.5, -0.5]); clip_grad_value_(ps, 1.0); print("value-nan", fmt(ps[2].grad))
/// <summary>Gradient clipping by total norm and by value, as PyTorch's.</summary>
public class GradientClippingTests
{
    private static readonly double[] G1 = [0.5, -1.25, 2.0, 3.0, -0.75, 0.125];
    private static readonly double[] G3 = [-4.0, 0.25, 1.5, -0.5];

    private static Tensor[] Parameters(DType dtype, double[]? g3 = null)
    {
        var a = Tensor.Zeros([2, 3], dtype).RequireGrad();
        var b = Tensor.Zeros([5], dtype).RequireGrad();
        var c = Tensor.Zeros([4], dtype).RequireGrad();
        a.Grad = OptimTestKit.Tile(G1, [2, 3], dtype);
        c.Grad = OptimTestKit.Tile(g3 ?? G3, [4], dtype);
        return [a, b, c];
    }

    public static TheoryData<DType, double, double, double, double[], double[]> PyTorchClipGradNorm => new()
    {
        { DType.Float64, 1.0, 2.0, 5.8269310104033325,
            [0.08580844930184635, -0.21452112325461586, 0.3432337972073854, 0.5148506958110781, -0.12871267395276953, 0.021452112325461587],
            [-0.6864675944147708, 0.042904224650923174, 0.25742534790553906, -0.08580844930184635] },
        { DType.Float64, 100.0, 2.0, 5.8269310104033325, G1, G3 },
        { DType.Float64, 2.5, 1.0, 13.875,
            [0.0900900835971111, -0.22522520899277776, 0.3603603343884444, 0.5405405015826665, -0.13513512539566663, 0.022522520899277775],
            [-0.7207206687768888, 0.04504504179855555, 0.27027025079133327, -0.0900900835971111] },
        { DType.Float64, 0.5, double.PositiveInfinity, 4.0,
            [0.062499984375003904, -0.15624996093750976, 0.24999993750001562, 0.37499990625002344, -0.09374997656250586, 0.015624996093750976],
            [-0.49999987500003124, 0.031249992187501952, 0.18749995312501172, -0.062499984375003904] },
        { DType.Float64, 1.5, 3.0, 4.7179572297998265,
            [0.158967070811015, -0.3974176770275375, 0.63586828324406, 0.9538024248660899, -0.23845060621652248, 0.03974176770275375],
            [-1.27173656648812, 0.0794835354055075, 0.47690121243304495, -0.158967070811015] },
        { DType.Float64, 1.0, 0.5, 112.84463590491245,
            [0.004430870741525099, -0.011077176853812747, 0.017723482966100396, 0.026585224449150596, -0.006646306112287649, 0.0011077176853812748],
            [-0.03544696593220079, 0.0022154353707625495, 0.013292612224575298, -0.004430870741525099] },
        { DType.Float32, 1.0, 2.0, 5.826930999755859,
            [0.08580844849348068, -0.214521124958992, 0.34323379397392273, 0.5148506760597229, -0.12871266901493073, 0.02145211212337017],
            [-0.6864675879478455, 0.04290422424674034, 0.25742533802986145, -0.08580844849348068] },
        { DType.Float32, 100.0, 2.0, 5.826930999755859, G1, G3 },
        { DType.Float32, 2.5, 1.0, 13.875,
            [0.0900900810956955, -0.22522521018981934, 0.360360324382782, 0.5405404567718506, -0.13513511419296265, 0.022522520273923874],
            [-0.720720648765564, 0.04504504054784775, 0.2702702283859253, -0.0900900810956955] },
        { DType.Float32, 0.5, double.PositiveInfinity, 4.0,
            [0.062499985098838806, -0.1562499701976776, 0.24999994039535522, 0.37499991059303284, -0.09374997764825821, 0.015624996274709702],
            [-0.49999988079071045, 0.031249992549419403, 0.18749995529651642, -0.062499985098838806] },
        { DType.Float32, 1.5, 3.0, 4.717957973480225,
            [0.1589670479297638, -0.3974176049232483, 0.6358681917190552, 0.9538022875785828, -0.2384505718946457, 0.03974176198244095],
            [-1.2717363834381104, 0.0794835239648819, 0.4769011437892914, -0.1589670479297638] },
        { DType.Float32, 1.0, 0.5, 112.8446273803711,
            [0.004430870991200209, -0.011077177710831165, 0.017723483964800835, 0.026585225015878677, -0.006646306253969669, 0.0011077177478000522],
            [-0.03544696792960167, 0.0022154354956001043, 0.013292612507939339, -0.004430870991200209] },
    };

    [Theory]
    [MemberData(nameof(PyTorchClipGradNorm))]
    public void ClipGradNorm_returns_PyTorchs_total_norm_and_scales_the_gradients_as_PyTorch(
        DType dtype, double maxNorm, double normType, double expectedTotal, double[] expectedG1, double[] expectedG3)
    {
        var parameters = Parameters(dtype);
        double total = GradientClipping.ClipGradNorm(parameters, maxNorm, normType);
        // float64 to 1e-12; in float32 PyTorch's norm is itself a float32 (MiniNet's is the double of the float32 gradients).
        double tolerance = dtype == DType.Float64 ? 1e-12 : OptimTestKit.Float32Tolerance;
        Assert.True(OptimTestKit.Close(total, expectedTotal, tolerance), $"total norm {total:R}, PyTorch {expectedTotal:R}");
        OptimTestKit.AssertTiled(expectedG1, parameters[0].Grad!, tolerance, "gradient 0");
        Assert.Null(parameters[1].Grad);
        OptimTestKit.AssertTiled(expectedG3, parameters[2].Grad!, tolerance, "gradient 2");
    }

    [Fact]
    public void ClipGradNorm_leaves_gradients_within_the_limit_bit_for_bit_and_unversioned()
    {
        var parameters = Parameters(DType.Float64);
        int version = parameters[0].Grad!.Version.Value;
        Assert.Equal(5.8269310104033325, GradientClipping.ClipGradNorm(parameters, maxNorm: 6), 1e-15);
        Assert.Equal(G1, parameters[0].Grad!.ToArray<double>());
        Assert.Equal(version, parameters[0].Grad!.Version.Value);
    }

    [Fact]
    public void ClipGradNorm_of_a_NaN_gradient_returns_NaN_and_spreads_it_as_PyTorch()
    {
        // PyTorch: clip_grad_norm_ returns nan and every gradient becomes nan.
        var parameters = Parameters(DType.Float64, [-4.0, double.NaN, 1.5, -0.5]);
        Assert.True(double.IsNaN(GradientClipping.ClipGradNorm(parameters, 1.0)));
        Assert.All(parameters[0].Grad!.ToArray<double>(), value => Assert.True(double.IsNaN(value)));
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(double.PositiveInfinity)]
    public void ClipGradNorm_of_an_infinite_gradient_returns_infinity_and_zeroes_the_finite_elements_as_PyTorch(double normType)
    {
        // PyTorch: total inf; the coefficient 1/(inf + 1e-6) = 0 turns finite elements into ±0 and ∞ into NaN.
        var parameters = Parameters(DType.Float64, [-4.0, double.PositiveInfinity, 1.5, -0.5]);
        Assert.Equal(double.PositiveInfinity, GradientClipping.ClipGradNorm(parameters, 1.0, normType));
        Assert.Equal([0.0, -0.0, 0.0, 0.0, -0.0, 0.0], parameters[0].Grad!.ToArray<double>());
        var g3 = parameters[2].Grad!.ToArray<double>();
        Assert.Equal(-0.0, g3[0]);
        Assert.True(double.IsNaN(g3[1]));
    }

    [Fact]
    public void ClipGradNorm_with_errorIfNonfinite_refuses_and_names_the_parameter_with_the_bad_gradient()
    {
        // PyTorch's RuntimeError says the same: "The total norm of order 2.0 for gradients from `parameters` is non-finite,
        // so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set
        // `error_if_nonfinite=False`". MiniNet also names the parameter whose gradient is to blame.
        var parameters = Parameters(DType.Float64, [-4.0, double.NaN, 1.5, -0.5]);
        var error = Assert.Throws<InvalidOperationException>(() => GradientClipping.ClipGradNorm(parameters, 1.0, errorIfNonfinite: true));
        Assert.Equal(
            "ClipGradNorm: the total norm of order 2 of the gradients is NaN, so they cannot be clipped: the gradient of parameter 2 (shape [4]) " +
            "holds NaN or infinite values. To scale the gradients by the non-finite norm anyway, pass errorIfNonfinite: false.", error.Message);
        Assert.Equal(-4.0, parameters[2].Grad!.At(0)); // nothing was scaled
    }

    [Fact]
    public void ClipGradNorm_of_huge_finite_gradients_is_finite_where_PyTorch_overflows()
    {
        // PyTorch returns inf for ten gradients of 1e200 (the squares overflow); the norm is 1e200·√10.
        var a = Tensor.Full([6], 1e200, DType.Float64).RequireGrad();
        var c = Tensor.Full([4], -1e200, DType.Float64).RequireGrad();
        a.Grad = Tensor.Full([6], 1e200, DType.Float64);
        c.Grad = Tensor.Full([4], -1e200, DType.Float64);
        double total = GradientClipping.ClipGradNorm([a, c], 1.0, errorIfNonfinite: true);
        Assert.Equal(1e200 * Math.Sqrt(10), total, 1e-12 * total);
        Assert.Equal(1 / Math.Sqrt(10), a.Grad.At(0), 1e-12);
        a.Grad = Tensor.Full([6], 1e200, DType.Float64);
        c.Grad = Tensor.Full([4], -1e200, DType.Float64);
        total = GradientClipping.ClipGradNorm([a, c], maxNorm: double.PositiveInfinity, normType: 3); // Σ|g|³ = 1e601 overflows
        Assert.Equal(1e200 * Math.Cbrt(10), total, 1e-12 * total);
        Assert.Equal(1e200, a.Grad.At(0)); // an infinite maxNorm only measures
    }

    [Theory]
    [InlineData(1e-20)] // its square is subnormal in float32: digits lost
    [InlineData(1e-25)] // its square is 0 in float32
    public void ClipGradNorm_of_tiny_float32_gradients_does_not_underflow(double value)
    {
        var theta = Tensor.Zeros([8]).RequireGrad();
        theta.Grad = Tensor.Full([8], value);
        double expected = (float)value * Math.Sqrt(8);
        Assert.True(OptimTestKit.Close(GradientClipping.ClipGradNorm([theta], 1.0), expected, 1e-15));
    }

    [Fact]
    public void ClipGradNorm_without_any_gradient_returns_zero()
    {
        Assert.Equal(0.0, GradientClipping.ClipGradNorm([Tensor.Zeros([3]).RequireGrad()], 1.0));
    }

    [Theory]
    [InlineData(DType.Float64, 1e-15)]
    [InlineData(DType.Float32, OptimTestKit.Float32Tolerance)] // squares summed in float32 vectors within each block
    public void ClipGradNorm_of_long_gradients_takes_the_vectorised_path_and_stays_accurate(DType dtype, double tolerance)
    {
        var theta = Tensor.Zeros([1000], dtype).RequireGrad();
        theta.Grad = Tensor.Arange(1, 1001, dtype: dtype); // Σ k² for k ≤ 1000 = 333 833 500
        double total = GradientClipping.ClipGradNorm([theta], maxNorm: 1000);
        double expected = Math.Sqrt(333_833_500.0);
        Assert.True(OptimTestKit.Close(total, expected, tolerance), $"total {total:R}, expected {expected:R}");
        Assert.True(OptimTestKit.Close(theta.Grad!.At(999), 1000 * 1000 / (expected + 1e-6), tolerance));
    }

    [Fact]
    public void ClipGradValue_clamps_every_element_and_keeps_NaN_as_PyTorch()
    {
        // PyTorch clip_grad_value_(ps, 1.0): [0.5, -1, 1, 1, -0.75, 0.125] and [-1, nan, 1, -0.5].
        var parameters = Parameters(DType.Float64, [-4.0, double.NaN, 1.5, -0.5]);
        GradientClipping.ClipGradValue(parameters, 1.0);
        Assert.Equal([0.5, -1.0, 1.0, 1.0, -0.75, 0.125], parameters[0].Grad!.ToArray<double>());
        Assert.Equal([-1.0, double.NaN, 1.0, -0.5], parameters[2].Grad!.ToArray<double>());
        Assert.Null(parameters[1].Grad);

        var single = Parameters(DType.Float32);
        GradientClipping.ClipGradValue(single, 0.3);
        Assert.Equal([0.3f, -0.3f, 0.3f, 0.3f, -0.3f, 0.125f], single[0].Grad!.ToArray<float>());
    }

    [Fact]
    public void Bad_clipping_arguments_are_refused_with_a_message_naming_them()
    {
        var parameters = Parameters(DType.Float64);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(parameters, -1));
        Assert.Equal("maxNorm", error.ParamName);
        Assert.StartsWith("ClipGradNorm: maxNorm must be ≥ 0, got -1.", error.Message);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(parameters, 1, normType: 0));
        Assert.StartsWith("ClipGradNorm: normType must be a p > 0", error.Message);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(parameters, 1, normType: double.NaN));
        Assert.Equal("normType", error.ParamName);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradValue(parameters, double.NaN));
        Assert.StartsWith("ClipGradValue: clipValue must be ≥ 0, got NaN.", error.Message);
        Assert.Equal(G1, parameters[0].Grad!.ToArray<double>()); // refused calls change nothing
    }
}
