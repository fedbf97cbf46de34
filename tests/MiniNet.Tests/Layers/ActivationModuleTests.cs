using MiniNet.Layers;

namespace MiniNet.Tests.Layers;

public class ActivationModuleTests
{
    public static TheoryData<string> Activations => ["ReLU", "LeakyReLU", "Tanh", "Sigmoid", "GELU", "GELUTanh", "Softplus"];

    private static Module Create(string name) => name switch
    {
        "ReLU" => new ReLU(),
        "LeakyReLU" => new LeakyReLU(0.1),
        "Tanh" => new Tanh(),
        "Sigmoid" => new Sigmoid(),
        "GELU" => new GELU(),
        "GELUTanh" => new GELU(tanhApproximation: true),
        _ => new Softplus(beta: 2, threshold: 10),
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Activation_module_passes_gradcheck(string name)
    {
        // Values kept away from 0, where ReLU and LeakyReLU have a kink.
        var x = (Tensor.Rand([3, 4], 3, DType.Float64) * 4 - 2).Detach();
        var away = Tensor.FromArray(x.ToArray<double>().Select(v => Math.Abs(v) < 0.05 ? v + 0.1 : v).ToArray(), [3, 4]).RequireGrad();
        GradCheck.Assert(xs => Create(name).Forward(xs[0]), [away]);
    }

    // Exact values (mpmath, 40 digits), rounded to double. PyTorch's float64 results agree except in the
    // far left tail, where its ½x(1 + erf(x/√2)) and ½x(1 + tanh u) cancel (at x = −6 it is off by ~1e-10
    // relative, and its tanh form's gradient by ~3e-7); MiniNet uses Φ via erfc and σ(2u) instead.
    //   import mpmath as m; m.mp.dps = 40; c = m.sqrt(2/m.pi); k = m.mpf('0.044715')
    //   exact: x·ncdf(x), ncdf(x) + x·npdf(x); tanh: gt = ½x(1 + tanh(c(x + kx³))), m.diff(gt, x)
    private static readonly double[] GeluInputs = [-6.0, -3.0, -1.5, -0.5, -1e-3, 0.0, 1e-3, 0.3, 1.0, 2.0, 4.0, 10.0];
    private static readonly double[] GeluExact = [-5.9195258702261885e-09, -0.0040496940948902835, -0.1002108019032871, -0.15426876936299344, -0.000499601057786089, 0.0, 0.000500398942213911, 0.1853734266566858, 0.8413447460685429, 1.9544997361036416, 3.9998733150326675, 10.0];
    private static readonly double[] GeluExactGrad = [-3.5468709453902015e-08, -0.011945647204183927, -0.12746919222997952, 0.13250487534383715, 0.4992021157051586, 0.5, 0.5007978842948414, 0.7323277668271099, 1.0833154705876864, 1.085231801078197, 1.0005036496612265, 1.0];
    private static readonly double[] GeluTanh = [-8.439646700762297e-11, -0.003637392081773019, -0.10042842301976708, -0.15428599017485609, -0.000499601057786418, 0.0, 0.000500398942213582, 0.18537092354275925, 0.8411919906082767, 1.954597694087775, 3.9999297540518075, 10.0];
    private static readonly double[] GeluTanhGrad = [-7.709973930953696e-10, -0.011584166630969726, -0.12771079315143308, 0.1326300964653577, 0.499202115706475, 0.5, 0.500797884293525, 0.7322954516388018, 1.0829640838457826, 1.0860992566236183, 1.0003351231971227, 1.0];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gelu_matches_exact_values_and_gradients(bool tanh)
    {
        var x = Tensor.FromArray(GeluInputs).RequireGrad();
        var y = x.Gelu(tanh);
        y.Sum().Backward();
        var (values, grads) = tanh ? (GeluTanh, GeluTanhGrad) : (GeluExact, GeluExactGrad);
        var actual = y.ToArray<double>();
        var actualGrad = x.Grad!.ToArray<double>();
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - values[i]) <= 1e-12 * Math.Abs(values[i]) + 1e-300, $"gelu({GeluInputs[i]}) = {actual[i]:R}, expected {values[i]:R}");
            Assert.True(Math.Abs(actualGrad[i] - grads[i]) <= 1e-12 * Math.Abs(grads[i]) + 1e-300, $"gelu'({GeluInputs[i]}) = {actualGrad[i]:R}, expected {grads[i]:R}");
        }
    }

    [Fact]
    public void Dropout_in_eval_mode_is_the_identity_and_passes_gradcheck()
    {
        var dropout = new Dropout(0.5, seed: 1);
        dropout.Eval();
        var x = Tensor.Randn([4, 5], 2, DType.Float64).RequireGrad();
        Assert.Same(x, dropout.Forward(x));
        GradCheck.Assert(xs => dropout.Forward(xs[0]) * 2.0, [x]);
    }

    [Fact]
    public void Dropout_in_training_zeroes_about_p_and_scales_survivors_by_one_over_keep()
    {
        var dropout = new Dropout(0.25, seed: 3);
        var y = dropout.Forward(Tensor.Ones([200, 100])).ToArray<float>();
        Assert.All(y, v => Assert.True(v == 0f || v == (float)(1 / 0.75)));
        double dropped = y.Count(v => v == 0) / (double)y.Length;
        Assert.InRange(dropped, 0.24, 0.26); // 20,000 Bernoulli(0.25) draws: standard deviation 0.003
    }

    [Fact]
    public void Dropout_is_reproducible_from_its_seed_and_its_gradient_uses_the_same_mask()
    {
        var a = new Dropout(0.5, seed: 9).Forward(Tensor.Ones([50])).ToArray<float>();
        var b = new Dropout(0.5, seed: 9).Forward(Tensor.Ones([50])).ToArray<float>();
        Assert.Equal(a, b);
        var x = Tensor.Ones([50]).RequireGrad();
        var y = new Dropout(0.5, seed: 9).Forward(x);
        y.Sum().Backward();
        Assert.Equal(y.ToArray<float>(), x.Grad!.ToArray<float>()); // dy/dx = mask/(1-p) = y for x = 1
    }

    [Fact]
    public void Dropout_edge_probabilities_and_bad_values()
    {
        var x = Tensor.Ones([10]);
        Assert.All(new Dropout(1.0, seed: 1).Forward(x).ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.Equal(x.ToArray<float>(), new Dropout(0.0, seed: 1).Forward(x).ToArray<float>());
        Assert.Contains("[0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5)).Message);
    }

    [Fact]
    public void Flatten_merges_all_but_the_batch_axis()
    {
        Assert.Equal(Shape.Create([2, 12]), new MiniNet.Layers.Flatten().Forward(Tensor.Zeros([2, 3, 4])).Shape);
    }
}
