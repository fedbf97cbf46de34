using MiniNet.Layers;

namespace MiniNet.Tests.Layers;

public class ModuleTests
{
    private sealed class Block : Module
    {
        private readonly ParameterSlot _scale;

        public Block()
        {
            Layers = RegisterModule("layers", new Sequential(new Dense(2, 3, seed: 1), new Tanh(), new Dense(3, 1, seed: 2)));
            _scale = RegisterParameter("scale", Tensor.Ones([1]));
        }

        public Sequential Layers { get; }

        public Tensor Scale => _scale.Value;

        public override Tensor Forward(Tensor input) => Layers.Forward(input) * Scale;
    }

    [Fact]
    public void Sequential_names_parameters_by_index_as_PyTorch_state_dict()
    {
        var model = new Sequential(new Dense(4, 3, seed: 1), new ReLU(), new Dense(3, 2, seed: 2));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(4 * 3 + 3 + 3 * 2 + 2, model.ParameterCount());
    }

    [Fact]
    public void Nested_modules_name_own_parameters_first_then_children()
    {
        Assert.Equal(["scale", "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"],
            new Block().NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Train_and_Eval_reach_every_descendant()
    {
        var block = new Block();
        block.Eval();
        Assert.False(block.Training);
        Assert.All(block.Layers, layer => Assert.False(layer.Training));
        block.Train();
        Assert.All(block.Layers, layer => Assert.True(layer.Training));
    }

    [Fact]
    public void ZeroGrad_sets_gradients_to_null_or_to_zeros()
    {
        var model = new Sequential(new Dense(2, 2, seed: 1));
        model.Forward(Tensor.Ones([1, 2])).Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
        model.ZeroGrad(setToNone: false);
        Assert.All(model.Parameters(), p => Assert.All(p.Grad!.ToArray<float>(), g => Assert.Equal(0f, g)));
        model.ZeroGrad();
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void After_ZeroGrad_backward_gives_the_gradients_a_fresh_model_gets()
    {
        var trained = new Sequential(new Dense(3, 4, seed: 1), new ReLU(), new Dense(4, 2, seed: 2));
        var fresh = new Sequential(new Dense(3, 4, seed: 1), new ReLU(), new Dense(4, 2, seed: 2));
        var (first, second) = (Tensor.Randn([5, 3], seed: 3), Tensor.Randn([5, 3], seed: 4));
        Losses.SoftmaxCrossEntropy(trained.Forward(first), [0, 1, 1, 0, 1]).Backward();
        trained.ZeroGrad();
        Losses.SoftmaxCrossEntropy(trained.Forward(second), [1, 1, 0, 0, 1]).Backward();
        Losses.SoftmaxCrossEntropy(fresh.Forward(second), [1, 1, 0, 0, 1]).Backward();
        foreach (var ((name, p), (_, q)) in trained.NamedParameters().Zip(fresh.NamedParameters()))
            Assert.True(p.Grad!.ToArray<float>().SequenceEqual(q.Grad!.ToArray<float>()), $"gradient of {name}");
    }

    [Fact]
    public void LoadStateDict_copies_values_and_lists_every_problem()
    {
        var source = new Sequential(new Dense(3, 2, seed: 1));
        var target = new Sequential(new Dense(3, 2, seed: 9));
        target.LoadStateDict(source.StateDict());
        Assert.Equal(source[0].Parameters().First().ToArray<float>(), target[0].Parameters().First().ToArray<float>());

        var wrong = new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Zeros([2, 4]), ["extra"] = Tensor.Zeros([1]) };
        var error = Assert.Throws<ArgumentException>(() => target.LoadStateDict(wrong));
        Assert.Contains("missing '0.bias'", error.Message);
        Assert.Contains("unexpected 'extra'", error.Message);
        Assert.Contains("'0.weight' is [2, 4] Float32 in the state but [2, 3] Float32 in the model", error.Message);
    }

    [Fact]
    public void To_Float64_converts_every_parameter_keeping_the_values()
    {
        var model = new Block();
        var before = model.Layers[0].Parameters().First().ToArray<float>();
        model.To(DType.Float64);
        Assert.All(model.Parameters(), p => Assert.Equal(DType.Float64, p.DType));
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
        Assert.Equal(before.Select(v => (double)v), model.Layers[0].Parameters().First().ToArray<double>());
        Assert.Equal(DType.Float64, model.Forward(Tensor.Ones([1, 2], DType.Float64)).DType);
    }

    [Fact]
    public void A_whole_network_passes_gradcheck_end_to_end()
    {
        var model = new Sequential(
            new Dense(5, 8, seed: 1), new Tanh(), new Dense(8, 6, seed: 2), new GELU(), new Dense(6, 4, seed: 3),
            new Softplus(), new Dense(4, 3, seed: 4), new LeakyReLU(0.2), new Dense(3, 2, seed: 5), new Sigmoid());
        model.To(DType.Float64);
        var x = Tensor.Randn([3, 5], 11, DType.Float64).RequireGrad();
        GradCheck.Assert(xs => model.Forward(xs[0]).Sum(), [x, .. model.Parameters()]);
    }

    [Fact]
    public void ToString_shows_the_tree_like_PyTorch()
    {
        var model = new Sequential(new Dense(784, 128, seed: 1), new ReLU(), new Dropout(0.2), new Dense(128, 10, bias: false, seed: 2));
        Assert.Equal(
            "Sequential(\n  (0): Dense(784→128)\n  (1): ReLU()\n  (2): Dropout(p=0.2)\n  (3): Dense(128→10, bias=false)\n)",
            model.ToString());
    }

    [Fact]
    public void Registering_a_taken_or_dotted_name_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new DuplicateNames());
        Assert.Contains("'w' is already taken", error.Message);
    }

    private sealed class DuplicateNames : Module
    {
        public DuplicateNames()
        {
            RegisterParameter("w", Tensor.Zeros([1]));
            RegisterParameter("w", Tensor.Zeros([1]));
        }

        public override Tensor Forward(Tensor input) => input;
    }
}

public class ModuleFileTests
{
    [Fact]
    public void Save_then_Load_into_a_fresh_model_restores_every_parameter_bit_for_bit()
    {
        using var dir = new TempDirectory();
        var trained = new Sequential(new Dense(4, 3, seed: 1), new ReLU(), new Dense(3, 2, seed: 2));
        trained.Save(dir.File("model.safetensors"), new Dictionary<string, string> { ["epochs"] = "3" });
        var fresh = new Sequential(new Dense(4, 3, seed: 8), new ReLU(), new Dense(3, 2, seed: 9));
        var metadata = fresh.Load(dir.File("model.safetensors"));
        Assert.Equal("3", metadata!["epochs"]);
        foreach (var ((name, expected), (_, actual)) in trained.NamedParameters().Zip(fresh.NamedParameters()))
            Assert.True(expected.ToArray<float>().SequenceEqual(actual.ToArray<float>()), name);
    }

    [Fact]
    public void Load_into_a_model_of_another_shape_names_what_differs()
    {
        using var dir = new TempDirectory();
        new Sequential(new Dense(4, 3, seed: 1)).Save(dir.File("m.safetensors"));
        var error = Assert.ThrowsAny<Exception>(() => new Sequential(new Dense(5, 3, seed: 1)).Load(dir.File("m.safetensors")));
        Assert.Contains("0.weight", error.Message);
    }
}
