using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Tests.Layers;

/// <summary>Automatic registration: a module's fields and properties are its parameters and sub-modules, as in PyTorch.</summary>
public class RegistrationTests
{
    /// <summary>The case: two layers in plain fields, nothing registered by hand (12 + 5 = 17 parameters).</summary>
    private sealed class TwoLayers : Module
    {
        private readonly Dense fc1 = new(2, 4, seed: 1);
        private readonly Dense fc2 = new(4, 1, seed: 2);

        public override Tensor Forward(Tensor input) => fc2.Forward(fc1.Forward(input).Tanh());
    }

    [Fact]
    public void Layers_in_plain_fields_are_registered_named_after_the_field_in_declaration_order()
    {
        var model = new TwoLayers();
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(17, model.ParameterCount());
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], model.StateDict().Keys);
        Assert.Equal("TwoLayers(\n  (fc1): Dense(2→4)\n  (fc2): Dense(4→1)\n)", model.ToString());
    }

    [Fact]
    public void Every_parameter_of_a_plain_field_module_trains_and_survives_save_and_load()
    {
        var model = new TwoLayers();
        var before = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToArray<float>());
        var optimizer = new Adam(model.Parameters(), lr: 0.1);
        var x = Tensor.FromArray(new float[,] { { 0, 1 }, { 1, 0 }, { 1, 1 }, { 0, 0 } });
        var y = Tensor.FromArray(new float[,] { { 1 }, { 1 }, { 0 }, { 0 } });
        double first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            optimizer.ZeroGrad();
            var loss = Losses.SigmoidBinaryCrossEntropy(model.Forward(x), y);
            loss.Backward();
            optimizer.Step();
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first / 4, $"the loss went from {first} to {last}");
        foreach (var (name, parameter) in model.NamedParameters())
            Assert.False(before[name].SequenceEqual(parameter.ToArray<float>()), $"{name} did not change");

        string path = Path.Combine(Path.GetTempPath(), $"registration-{Guid.NewGuid():N}.safetensors");
        try
        {
            model.Save(path);
            var copy = new TwoLayers();
            copy.Load(path);
            Assert.Equal(model.Forward(x).ToArray<float>(), copy.Forward(x).ToArray<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private class Base : Module
    {
        public Dense Encoder { get; } = new(3, 2, seed: 1);

        public override Tensor Forward(Tensor input) => Encoder.Forward(input);
    }

    /// <summary>Properties, a leading underscore, a primary-constructor parameter, tensors and slots, after the base class's members.</summary>
    private sealed class Derived(Dense head) : Base
    {
        private readonly Tensor _scale = Tensor.Ones([2]).RequireGrad();
        private readonly Tensor _constant = Tensor.Ones([2]); // no grad: a constant, not a parameter
        private readonly ParameterSlot _shift = new Registered().Slot;

        public override Tensor Forward(Tensor input) => head.Forward(base.Forward(input) * _scale * _constant.To(input.DType) + _shift.Value);
    }

    /// <summary>Hands out a slot (slots are made by registration).</summary>
    private sealed class Registered : Module
    {
        public Registered() => Slot = RegisterParameter("p", Tensor.Zeros([2]));

        [Unregistered] public ParameterSlot Slot { get; }

        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void Properties_underscored_fields_captured_parameters_tensors_and_slots_are_found_base_class_first()
    {
        var model = new Derived(new Dense(2, 1, seed: 2));
        Assert.Equal(["scale", "shift", "Encoder.weight", "Encoder.bias", "head.weight", "head.bias"], model.NamedParameters().Select(p => p.Name));
        var gradients = model.Parameters().ToArray();
        model.Forward(Tensor.Ones([4, 3])).Sum().Backward();
        Assert.All(gradients, p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void A_tensor_member_becomes_a_parameter_when_it_requires_grad()
    {
        var model = new WithTensor();
        Assert.Empty(model.Parameters());
        model.Weight.RequiresGrad = true;
        Assert.Equal(["Weight"], model.NamedParameters().Select(p => p.Name));
    }

    private sealed class WithTensor : Module
    {
        public Tensor Weight { get; } = Tensor.Ones([3]);

        public override Tensor Forward(Tensor input) => input * Weight;
    }

    /// <summary>Nested models, a module list, and one layer used twice.</summary>
    private sealed class Tower : Module
    {
        private readonly Dense _shared = new(4, 4, seed: 3);

        public Tower()
        {
            Blocks = new ModuleList(new Dense(4, 4, seed: 1), _shared, new Dense(4, 4, seed: 2));
            Again = _shared;
        }

        public ModuleList Blocks { get; }

        public Dense Again { get; }

        public TwoLayers Inner { get; } = new();

        public override Tensor Forward(Tensor input)
        {
            foreach (var block in Blocks) input = block.Forward(input).Relu();
            return Again.Forward(input);
        }
    }

    [Fact]
    public void Nested_modules_lists_and_shared_layers_count_each_parameter_once()
    {
        var model = new Tower();
        Assert.Equal(
            ["shared.weight", "shared.bias", "Blocks.0.weight", "Blocks.0.bias", "Blocks.2.weight", "Blocks.2.bias",
             "Inner.fc1.weight", "Inner.fc1.bias", "Inner.fc2.weight", "Inner.fc2.bias"],
            model.NamedParameters().Select(p => p.Name));
        Assert.Equal(3 * 20 + 17, model.ParameterCount());
        // The state dict lists a shared tensor under every name, as PyTorch's does; an optimiser takes each once.
        Assert.Equal(["shared.weight", "shared.bias", "Blocks.0.weight", "Blocks.0.bias", "Blocks.1.weight", "Blocks.1.bias",
             "Blocks.2.weight", "Blocks.2.bias", "Inner.fc1.weight", "Inner.fc1.bias", "Inner.fc2.weight", "Inner.fc2.bias"],
            model.StateDict().Keys);
        Assert.Same(model.StateDict()["shared.weight"], model.StateDict()["Blocks.1.weight"]);
        _ = new Sgd(model.Parameters(), lr: 0.1); // a parameter listed twice would be refused
        Assert.Equal("Tower.Blocks[2]", ((Module)model.Blocks[2]).Path);
    }

    [Fact]
    public void Modules_in_a_plain_list_or_dictionary_are_refused_naming_the_member()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new InAList().Parameters().ToArray());
        Assert.Contains("the member 'layers' (List`1) holds 2 module(s) that are not registered: Dense(2→2) at 0, Dense(2→2) at 1", error.Message);
        Assert.Contains("ModuleList", error.Message);
        error = Assert.Throws<InvalidOperationException>(() => new InADictionary().Parameters().ToArray());
        Assert.Contains("the member 'heads' (Dictionary`2) holds 1 module(s) that are not registered", error.Message);
        // Registered one by one, the same list is fine.
        Assert.Equal(["a.weight", "a.bias", "b.weight", "b.bias"], new InAList(register: true).NamedParameters().Select(p => p.Name));
    }

    private sealed class InAList : Module
    {
        private readonly List<Dense> layers = [new(2, 2, seed: 1), new(2, 2, seed: 2)];

        public InAList(bool register = false)
        {
            if (!register) return;
            RegisterModule("a", layers[0]);
            RegisterModule("b", layers[1]);
        }

        public override Tensor Forward(Tensor input) => layers.Aggregate(input, (x, layer) => layer.Forward(x));
    }

    private sealed class InADictionary : Module
    {
        private readonly Dictionary<string, Module> heads = new() { ["a"] = new Dense(2, 2, seed: 1) };

        public override Tensor Forward(Tensor input) => heads["a"].Forward(input);
    }

    private sealed class Child : Module
    {
        public Module? Parent { get; set; }

        [Unregistered] public Module? Owner { get; set; }

        public override Tensor Forward(Tensor input) => input;
    }

    private sealed class Holder : Module
    {
        public Child Part { get; } = new();

        public override Tensor Forward(Tensor input) => Part.Forward(input);
    }

    [Fact]
    public void A_reference_back_to_an_enclosing_module_is_refused_unless_marked_Unregistered()
    {
        var holder = new Holder();
        holder.Part.Owner = holder;
        Assert.Empty(holder.Parameters());
        holder.Part.Parent = holder;
        var error = Assert.Throws<InvalidOperationException>(() => holder.Parameters().ToArray());
        Assert.Contains("the member 'Parent' holds a module that contains this one", error.Message);
        Assert.Contains("[Unregistered]", error.Message);
    }

    [Fact]
    public void Two_modules_that_hold_each_other_are_refused_every_time_they_are_listed()
    {
        var (first, second) = (new Child(), new Child());
        first.Parent = second;
        second.Parent = first;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            Assert.Contains("a module cannot contain itself", Assert.Throws<InvalidOperationException>(() => first.Parameters().ToArray()).Message);
            Assert.Contains("a module cannot contain itself", Assert.Throws<InvalidOperationException>(() => second.Train()).Message);
        }
    }

    private sealed class Replaceable : Module
    {
        public Dense? Layer { get; set; } = new(2, 2, seed: 1);

        public override Tensor Forward(Tensor input) => Layer!.Forward(input);
    }

    [Fact]
    public void A_member_replaced_or_cleared_later_is_seen_as_it_is_now()
    {
        var model = new Replaceable();
        Assert.Equal(6, model.ParameterCount());
        model.Layer = new Dense(2, 3, seed: 2);
        Assert.Equal(9, model.ParameterCount());
        Assert.Equal("Replaceable.Layer", model.Layer.Path);
        model.Layer = null;
        Assert.Equal(0, model.ParameterCount());
    }

    private sealed class Conflicting : Module
    {
        private readonly Dense fc = new(2, 2, seed: 1);

        public Conflicting() => RegisterModule("fc", new Dense(2, 2, seed: 2));

        public override Tensor Forward(Tensor input) => fc.Forward(input);
    }

    [Fact]
    public void A_member_and_a_registration_of_the_same_name_holding_different_modules_are_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Conflicting().Parameters().ToArray());
        Assert.Contains("the member 'fc' holds a module or parameter other than the one registered under the name 'fc'", error.Message);
    }

    [Fact]
    public void To_converts_tensor_members_in_place_and_keeps_shared_parameters_shared()
    {
        var model = new Derived(new Dense(2, 1, seed: 2));
        model.To(DType.Float64);
        Assert.All(model.Parameters(), p => Assert.Equal(DType.Float64, p.DType));
        Assert.Equal(DType.Float64, model.Forward(Tensor.Ones([1, 3], DType.Float64)).DType); // the field itself was replaced

        var tower = new Tower().To(DType.Float64);
        Assert.Same(tower.StateDict()["shared.weight"], tower.StateDict()["Blocks.1.weight"]);
    }

    /// <summary>The README's example, as it is printed there.</summary>
    private sealed class Residual : Module
    {
        private readonly Dense fc1 = new(16, 16, seed: 1);                  // registered as "fc1": fc1.weight, fc1.bias
        private readonly Dense fc2 = new(16, 16, seed: 2);
        public ModuleList Heads { get; } = new(new Dense(16, 3, seed: 3), new Dense(16, 1, seed: 4)); // Heads.0.weight, …
        public override Tensor Forward(Tensor x) => x + fc2.Call(fc1.Call(x).Relu());
    }

    [Fact]
    public void The_READMEs_residual_module_registers_its_layers_and_its_list()
    {
        var model = new Residual();
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "Heads.0.weight", "Heads.0.bias", "Heads.1.weight", "Heads.1.bias"],
            model.NamedParameters().Select(p => p.Name));
        Assert.Equal([4, 16], model.Forward(Tensor.Ones([4, 16])).Shape.ToArray());
    }

    [Fact]
    public void A_ModuleList_has_no_forward_and_prints_like_PyTorch()
    {
        var list = new ModuleList(new Dense(2, 2, seed: 1), new ReLU());
        Assert.Equal("ModuleList(\n  (0): Dense(2→2)\n  (1): ReLU()\n)", list.ToString());
        Assert.Equal(2, list.Count);
        Assert.IsType<ReLU>(list[1]);
        Assert.Contains("a ModuleList has no Forward", Assert.Throws<NotSupportedException>(() => list.Forward(Tensor.Ones([1, 2]))).Message);
    }
}
