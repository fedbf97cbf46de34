using MiniNet.Layers;

namespace MiniNet.Tests.BadInputs;

/// <summary>Modules, layers and initialisers.</summary>
internal static class LayerBadInputs
{
    private const string Area = "Layers";

    /// <summary>A module that registers one parameter under the name and value it is given, as a user's module would.</summary>
    private sealed class Registers : Module
    {
        public Registers(string name, Tensor parameter) => RegisterParameter(name, parameter);

        public Registers(string name, Module child) => RegisterModule(name, child);

        public Registers(string first, string second)
        {
            RegisterParameter(first, Tensor.Zeros([1]));
            RegisterParameter(second, Tensor.Zeros([1]));
        }

        public override Tensor Forward(Tensor input) => input;
    }

    private static Tensor Ones(params int[] shape) => Tensor.Ones(shape);

    public static IEnumerable<BadInput> Rows() =>
    [
        // Dense
        BadInput.Of<ArgumentException>(Area, "Dense input of the wrong width",
            () => new Dense(3, 2, seed: 1).Forward(Ones(4, 5)), "Dense(3→2)", "expected input [*, 3]", "got [4, 5]"),
        BadInput.Of<ArgumentException>(Area, "Dense input of the wrong width inside a Sequential names its path",
            () => new Sequential(new Dense(4, 3, seed: 1), new ReLU(), new Dense(2, 1, seed: 2)).Forward(Ones(5, 4)),
            "Sequential[2] Dense(2→1)", "expected input [*, 2]", "got [5, 3]"),
        BadInput.Of<ArgumentException>(Area, "Dense input of the wrong width in a nested Sequential names its path",
            () => new Sequential(new Sequential(new Dense(3, 3, seed: 1)), new Dense(4, 1, seed: 2)).Forward(Ones(2, 3)),
            "Sequential[1] Dense(4→1)", "expected input [*, 4]", "got [2, 3]"),
        BadInput.Of<ArgumentException>(Area, "Dense input of a registered child names its dotted path",
            () => new Registers("encoder", new Dense(3, 2, seed: 1)).NamedChildren().Single().Module.Forward(Ones(2)),
            "Registers.encoder Dense(3→2)", "expected input [*, 3]", "got [2]"),
        BadInput.Of<ArgumentException>(Area, "Dense of a scalar input",
            () => new Dense(3, 2, seed: 1).Forward(Tensor.Scalar(1)), "Dense(3→2)", "expected input [*, 3]", "got []"),
        BadInput.Of<ArgumentException>(Area, "Dense input of another dtype",
            () => new Dense(3, 2, seed: 1).Forward(Tensor.Ones([4, 3], DType.Float64)), "Dense(3→2)", "input is Float64", "parameters are Float32"),
        BadInput.Of<ArgumentNullException>(Area, "Dense of a null input", () => new Dense(3, 2, seed: 1).Forward(null!), "input"),
        BadInput.Of<ArgumentException>(Area, "Dense of zero inputs",
            () => new Dense(0, 2), "Dense", "sizes must be positive", "in 0 and out 2"),
        BadInput.Of<ArgumentException>(Area, "Dense of negative outputs",
            () => new Dense(3, -1), "Dense", "in 3 and out -1"),
        BadInput.Of<ArgumentException>(Area, "Dense with both a seed and a generator",
            () => new Dense(3, 2, seed: 1, generator: new Generator(2)), "Dense", "a seed or a generator, not both"),

        // Activation layers
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LeakyReLU layer with a NaN slope",
            () => new LeakyReLU(double.NaN), "LeakyReLU", "negativeSlope is NaN", "finite"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "LeakyReLU layer with an infinite slope",
            () => new LeakyReLU(double.PositiveInfinity), "LeakyReLU", "negativeSlope is Infinity"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Softplus layer with a negative beta",
            () => new Softplus(beta: -1), "Softplus", "beta is -1", "positive, finite"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Softplus layer with a NaN threshold",
            () => new Softplus(threshold: double.NaN), "Softplus", "threshold is NaN"),
        BadInput.Of<ArgumentNullException>(Area, "ReLU of a null input", () => new ReLU().Forward(null!), "input"),
        BadInput.Of<ArgumentException>(Area, "Flatten layer with the start after the end",
            () => new Flatten(2, 1).Forward(Ones(2, 3, 4)), "Flatten", "start axis 2 comes after end axis 1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Flatten layer of a 1-D input",
            () => new Flatten().Forward(Ones(4)), "Flatten", "axis 1 is out of range for rank 1"),

        // Dropout2d
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Dropout2d with p below 0",
            () => new Dropout2d(-0.1), "Dropout2d", "p is -0.1", "[0, 1]"),
        BadInput.Of<ArgumentException>(Area, "Dropout2d with both a seed and a generator",
            () => new Dropout2d(0.5, seed: 1, generator: new Generator(1)), "Dropout2d", "a seed or a generator, not both"),
        BadInput.Of<ArgumentException>(Area, "Dropout2d given a matrix",
            () => new Sequential(new Dense(3, 4, seed: 1), new Dropout2d()).Forward(Tensor.Zeros([2, 3])),
            "Sequential[1] Dropout2d(p=0.5)", "expected input [N, C, H, W] or [C, H, W], got [2, 4]"),

        // Dropout
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Dropout with p above 1",
            () => new Dropout(1.5), "Dropout", "p is 1.5", "[0, 1]"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Dropout with a NaN p",
            () => new Dropout(double.NaN), "Dropout", "p is NaN"),
        BadInput.Of<ArgumentException>(Area, "Dropout with both a seed and a generator",
            () => new Dropout(0.5, seed: 1, generator: new Generator(1)), "Dropout", "a seed or a generator, not both"),

        // Sequential and Module
        BadInput.Of<ArgumentNullException>(Area, "Sequential with a null layer",
            () => new Sequential(new ReLU(), null!), "Sequential", "layer 1 of 2 is null", "layers"),
        BadInput.Of<ArgumentNullException>(Area, "Sequential.Add of null", () => new Sequential().Add(null!), "layer"),
        BadInput.Of<ArgumentException>(Area, "parameter name with a dot",
            () => new Registers("a.b", Tensor.Zeros([1])), "Registers()", "'a.b' is not a valid name", "no dot"),
        BadInput.Of<ArgumentException>(Area, "empty parameter name",
            () => new Registers("", Tensor.Zeros([1])), "'' is not a valid name", "non-empty"),
        BadInput.Of<ArgumentException>(Area, "parameter name taken twice",
            () => new Registers("w", "w"), "Registers()", "the name 'w' is already taken"),
        BadInput.Of<ArgumentException>(Area, "parameter that is not a leaf",
            () => new Registers("w", Tensor.Ones([2]).RequireGrad() * 2), "Registers()", "parameter 'w' must be a leaf tensor", "the result of Mul", "Detach()"),
        BadInput.Of<ArgumentNullException>(Area, "null parameter name", () => new Registers(null!, Tensor.Zeros([1])), "name"),
        BadInput.Of<ArgumentException>(Area, "LoadStateDict with names missing, unexpected and mis-shaped",
            () => new Dense(3, 2, seed: 1).LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Ones(3, 3), ["extra"] = Ones(1) }),
            "LoadStateDict into Dense(3→2)", "missing 'bias'", "unexpected 'extra'", "'weight' is [3, 3] Float32 in the state but [2, 3] Float32 in the model"),
        BadInput.Of<ArgumentException>(Area, "LoadStateDict of another dtype",
            () => new Dense(3, 2, bias: false, seed: 1).LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Tensor.Ones([2, 3], DType.Float64) }),
            "'weight' is [2, 3] Float64 in the state but [2, 3] Float32 in the model"),
        BadInput.Of<ArgumentNullException>(Area, "LoadStateDict with a null tensor",
            () => new Dense(3, 2, seed: 1).LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Ones(2, 3), ["bias"] = null! }),
            "LoadStateDict into Dense(3→2)", "state['bias'] is null"),

        // Initialisers
        BadInput.Of<ArgumentException>(Area, "fans of a 1-D tensor",
            () => Init.Fans(Ones(3)), "Init", "at least 2 dimensions", "got [3]"),
        BadInput.Of<ArgumentException>(Area, "Kaiming of a tensor with fan-in 0",
            () => Init.KaimingUniform(Tensor.Zeros([2, 0]), new Generator(1)), "Init", "the FanIn of [2, 0] is 0", "divides by it"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Kaiming with an unknown fan mode",
            () => Init.KaimingNormal(Tensor.Zeros([2, 3]), new Generator(1), mode: (FanMode)5), "Init", "unknown fan mode 5", "FanIn or FanOut"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Kaiming with a NaN slope",
            () => Init.KaimingUniform(Tensor.Zeros([2, 3]), new Generator(1), a: double.NaN), "KaimingUniform", "a is NaN", "finite slope"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "CalculateGain of an unknown nonlinearity",
            () => Init.CalculateGain((Nonlinearity)9), "CalculateGain", "unknown nonlinearity 9", "LeakyRelu"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "CalculateGain of leaky ReLU with an infinite slope",
            () => Init.CalculateGain(Nonlinearity.LeakyRelu, double.NegativeInfinity), "CalculateGain", "negativeSlope is -Infinity"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Xavier uniform with a NaN gain",
            () => Init.XavierUniform(Tensor.Zeros([2, 3]), new Generator(1), gain: double.NaN), "XavierUniform", "gain is NaN", "≥ 0"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Xavier normal with a negative gain",
            () => Init.XavierNormal(Tensor.Zeros([2, 3]), new Generator(1), gain: -1), "XavierNormal", "gain is -1"),
        BadInput.Of<ArgumentException>(Area, "Init.Uniform with low above high",
            () => Init.Uniform(Tensor.Zeros([2, 3]), new Generator(1), low: 1, high: -1), "Uniform", "[1, -1)", "low ≤ high"),
        BadInput.Of<ArgumentException>(Area, "Init.Normal with a negative deviation",
            () => Init.Normal(Tensor.Zeros([2, 3]), new Generator(1), std: -0.5), "Normal", "standard deviation -0.5"),
        BadInput.Of<ArgumentNullException>(Area, "Init.Zeros of null", () => Init.Zeros(null!), "tensor"),
        BadInput.Of<ArgumentNullException>(Area, "Init.Uniform without a generator", () => Init.Uniform(Tensor.Zeros([2]), null!), "generator"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Module.To an unknown dtype",
            () => new Dense(3, 2, seed: 1).To((DType)7), "dtype 7 is not a DType"),
        // Hooks
        BadInput.Of<InvalidOperationException>(Area, "a backward hook returning a gradient of another shape", () =>
        {
            var model = new Sequential(new Dense(3, 2, seed: 1));
            model[0].RegisterFullBackwardHook((_, _, gradOutput) => gradOutput);
            model.Call(Tensor.Ones([4, 3]).RequireGrad()).Sum().Backward();
        }, "Backward: a backward hook of Sequential[0] Dense(3→2) returned a gradient of shape [4, 2] (Float32) for an input of shape [4, 3] (Float32)",
            "same shape and dtype"),
        BadInput.Of<InvalidOperationException>(Area, "a backward hook returning a gradient for an input that takes none", () =>
        {
            var layer = new Dense(3, 2, seed: 1);
            layer.RegisterFullBackwardHook((_, _, gradOutput) => gradOutput);
            layer.Call(Tensor.Ones([4, 3])).Sum().Backward();
        }, "Backward: a backward hook of Dense(3→2) returned a gradient for an input that does not require grad", "must return null"),
    ];
}
