using MiniNet.Layers;

namespace MiniNet.Tests.Layers;

public class DenseTests
{
    [Fact]
    public void Weight_is_out_by_in_and_parameters_are_named_as_in_PyTorch()
    {
        var layer = new Dense(4, 3, seed: 1);
        Assert.Equal(Shape.Create([3, 4]), layer.Weight.Shape);
        Assert.Equal(Shape.Create([3]), layer.Bias!.Shape);
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
        Assert.All(layer.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
    }

    [Fact]
    public void Default_initialisation_is_uniform_within_one_over_sqrt_in_drawn_weight_then_bias()
    {
        var layer = new Dense(16, 8, seed: 7);
        double bound = 1 / Math.Sqrt(16);
        var generator = new Generator(7);
        var expectedWeight = Tensor.Uniform([8, 16], -bound, bound, generator);
        var expectedBias = Tensor.Uniform([8], -bound, bound, generator);
        Assert.Equal(expectedWeight.ToArray<float>(), layer.Weight.ToArray<float>());
        Assert.Equal(expectedBias.ToArray<float>(), layer.Bias!.ToArray<float>());
        Assert.All(layer.Weight.ToArray<float>(), w => Assert.InRange(w, -bound, bound));
    }

    [Fact]
    public void Same_seed_gives_identical_layers_and_different_seeds_differ()
    {
        Assert.Equal(new Dense(5, 5, seed: 3).Weight.ToArray<float>(), new Dense(5, 5, seed: 3).Weight.ToArray<float>());
        Assert.NotEqual(new Dense(5, 5, seed: 3).Weight.ToArray<float>(), new Dense(5, 5, seed: 4).Weight.ToArray<float>());
    }

    [Fact]
    public void Forward_computes_x_times_weight_transposed_plus_bias()
    {
        var layer = new Dense(3, 2, seed: 2, dtype: DType.Float64);
        var x = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { -1, 0.5, 4 } });
        var w = layer.Weight.ToArray<double>();
        var b = layer.Bias!.ToArray<double>();
        var y = layer.Forward(x).ToArray<double>();
        for (int r = 0; r < 2; r++)
        for (int o = 0; o < 2; o++)
        {
            double expected = b[o];
            for (int i = 0; i < 3; i++) expected += x.At(r, i) * w[o * 3 + i];
            Assert.Equal(expected, y[r * 2 + o], 12);
        }
    }

    [Fact]
    public void Forward_accepts_any_leading_dimensions()
    {
        var layer = new Dense(3, 5, seed: 2);
        Assert.Equal(Shape.Create([2, 4, 5]), layer.Forward(Tensor.Ones([2, 4, 3])).Shape);
        Assert.Equal(Shape.Create([5]), layer.Forward(Tensor.Ones([3])).Shape);
    }

    [Fact]
    public void Dense_passes_gradcheck_with_and_without_bias()
    {
        foreach (bool bias in new[] { true, false })
        {
            var layer = new Dense(4, 3, bias, seed: 5, dtype: DType.Float64);
            var x = Tensor.Randn([2, 4], 6, DType.Float64).RequireGrad();
            var parameters = layer.Parameters().ToArray();
            GradCheck.Assert(xs => layer.Forward(xs[0]), [x, .. parameters]);
        }
    }

    [Fact]
    public void Linear_op_passes_gradcheck_on_a_batch_of_sequences()
    {
        var x = Tensor.Randn([2, 3, 4], 1, DType.Float64).RequireGrad();
        var w = Tensor.Randn([5, 4], 2, DType.Float64).RequireGrad();
        var b = Tensor.Randn([5], 3, DType.Float64).RequireGrad();
        GradCheck.Assert(xs => Tensor.Linear(xs[0], xs[1], xs[2]), [x, w, b]);
    }

    [Fact]
    public void Linear_adds_its_gradients_to_those_that_reached_its_inputs_first()
    {
        // The ops recorded after Linear run their rules first, so Linear's rule finds gradients already there:
        // on a leaf (the weight) and on an intermediate tensor (h).
        var x = Tensor.Randn([3, 4], 1, DType.Float64).RequireGrad();
        var w = Tensor.Randn([5, 4], 2, DType.Float64).RequireGrad();
        GradCheck.Assert(xs =>
        {
            var h = xs[0] * 2;
            return Tensor.Linear(h, xs[1]).Sum() + (h * h).Sum() + (xs[1] * xs[1]).Sum();
        }, [x, w]);
    }

    [Fact]
    public void Shape_error_names_the_layer_by_its_path()
    {
        var model = new Sequential(new Dense(784, 128, seed: 1), new ReLU(), new Dense(128, 10, seed: 2));
        var error = Assert.Throws<ArgumentException>(() => model[2].Forward(Tensor.Zeros([32, 64])));
        Assert.StartsWith("Sequential[2] Dense(128→10): expected input [*, 128], got [32, 64]", error.Message);
        var standalone = Assert.Throws<ArgumentException>(() => new Dense(3, 2, seed: 1).Forward(Tensor.Zeros([4, 5])));
        Assert.StartsWith("Dense(3→2): expected input [*, 3], got [4, 5]", standalone.Message);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Contains("sizes must be positive", Assert.Throws<ArgumentException>(() => new Dense(0, 3)).Message);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => new Dense(2, 3, seed: 1, generator: new Generator(1))).Message);
        Assert.Contains("Float64", Assert.Throws<ArgumentException>(() => new Dense(2, 3, seed: 1).Forward(Tensor.Zeros([1, 2], DType.Float64))).Message);
    }

    [Fact]
    public void Custom_initialisers_replace_the_default()
    {
        var layer = new Dense(10, 20, seed: 1, weightInit: (w, g) => Init.KaimingNormal(w, g, nonlinearity: Nonlinearity.Relu), biasInit: (b, _) => Init.Zeros(b));
        Assert.All(layer.Bias!.ToArray<float>(), b => Assert.Equal(0f, b));
        Assert.Contains(layer.Weight.ToArray<float>(), w => Math.Abs(w) > 1 / Math.Sqrt(10)); // outside the default's bound
    }
}
