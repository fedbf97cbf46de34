using MiniNet.Layers;

namespace MiniNet.Tests.Layers;

/// <summary>
/// Module hooks with PyTorch's semantics: forward pre-hooks, forward hooks and full backward hooks — their order,
/// replacement, removal, nesting in <see cref="Sequential"/> and in a module of one's own, and <see cref="Tape.NoGrad"/>.
/// Every expected gradient is worked out by hand.
/// </summary>
public class ModuleHookTests
{
    /// <summary>Dense(2→1) with weight [1, 2] and bias 0, in float64: y = x₀ + 2x₁.</summary>
    private static Dense Line() => new(2, 1, dtype: DType.Float64,
        weightInit: (w, _) => w.CopyFrom(Tensor.FromArray(new[,] { { 1.0, 2.0 } })), biasInit: (b, _) => b.Fill(0));

    /// <summary>A module of one's own that runs two children through <see cref="Module.Call"/>, as PyTorch's <c>self.a(x)</c>.</summary>
    private sealed class TwoStep : Module
    {
        public Dense A { get; } = new(2, 2, seed: 1, dtype: DType.Float64);
        public Tanh B { get; } = new();
        public bool Direct { get; init; }

        public override Tensor Forward(Tensor input) => Direct ? B.Forward(A.Forward(input)) : B.Call(A.Call(input));
    }

    private static Tensor Input() => Tensor.FromArray(new[,] { { 3.0, 4.0 } });

    [Fact]
    public void Pre_hooks_forward_and_forward_hooks_run_in_order_each_in_registration_order()
    {
        var layer = Line();
        var log = new List<string>();
        layer.RegisterForwardPreHook((_, x) => { log.Add($"pre 1 {x.At(0, 0)}"); return null; });
        layer.RegisterForwardPreHook((_, x) => { log.Add($"pre 2 {x.At(0, 0)}"); return null; });
        layer.RegisterForwardHook((_, _, y) => { log.Add($"after 1 {y.At(0, 0)}"); return null; });
        layer.RegisterForwardHook((_, _, y) => { log.Add($"after 2 {y.At(0, 0)}"); return null; });
        var output = layer.Call(Input());
        Assert.Equal(["pre 1 3", "pre 2 3", "after 1 11", "after 2 11"], log);
        Assert.Equal(11.0, output.At(0, 0)); // 3 + 2·4
    }

    [Fact]
    public void A_pre_hook_may_replace_the_input_and_a_forward_hook_the_output()
    {
        var layer = Line();
        var log = new List<string>();
        layer.RegisterForwardPreHook((_, x) => x * 2);
        layer.RegisterForwardPreHook((_, x) => { log.Add($"pre sees {x.At(0, 0)}"); return null; });
        layer.RegisterForwardHook((_, x, y) => { log.Add($"hook sees {x.At(0, 0)} → {y.At(0, 0)}"); return y + 100; });
        layer.RegisterForwardHook((_, _, y) => { log.Add($"next hook sees {y.At(0, 0)}"); return null; });
        Assert.Equal(122.0, layer.Call(Input()).At(0, 0)); // 6 + 2·8 = 22, then + 100
        Assert.Equal(["pre sees 6", "hook sees 6 → 22", "next hook sees 122"], log);
        Assert.Equal(11.0, layer.Forward(Input()).At(0, 0)); // Forward alone runs no hook
    }

    [Fact]
    public void A_removed_hook_stops_and_the_others_stay()
    {
        var layer = Line();
        var log = new List<string>();
        var first = layer.RegisterForwardHook((_, _, _) => { log.Add("first"); return null; });
        layer.RegisterForwardHook((_, _, _) => { log.Add("second"); return null; });
        var pre = layer.RegisterForwardPreHook((_, _) => { log.Add("pre"); return null; });
        layer.Call(Input());
        first.Remove();
        pre.Dispose();
        pre.Dispose();
        layer.Call(Input());
        Assert.Equal(["pre", "first", "second", "second"], log);
    }

    [Fact]
    public void Hooks_of_a_Sequential_and_of_its_layers_nest()
    {
        var (first, second) = (Line(), new Tanh());
        var model = new Sequential(first, second);
        var log = new List<string>();
        foreach (var (name, module) in new (string, Module)[] { ("model", model), ("0", first), ("1", second) })
        {
            module.RegisterForwardPreHook((_, _) => { log.Add($"{name} pre"); return null; });
            module.RegisterForwardHook((_, _, _) => { log.Add($"{name} after"); return null; });
        }
        model.Call(Input());
        Assert.Equal(["model pre", "0 pre", "0 after", "1 pre", "1 after", "model after"], log);
        log.Clear();
        model.Forward(Input()); // the model's own hooks belong to Call; its layers are still called
        Assert.Equal(["0 pre", "0 after", "1 pre", "1 after"], log);
    }

    [Fact]
    public void Hooks_fire_for_children_a_module_of_ones_own_calls_and_not_when_it_bypasses_Call()
    {
        foreach (bool direct in new[] { false, true })
        {
            var model = new TwoStep { Direct = direct };
            var log = new List<string>();
            model.A.RegisterForwardHook((_, _, _) => { log.Add("A"); return null; });
            model.B.RegisterForwardHook((_, _, _) => { log.Add("B"); return null; });
            model.Forward(Input());
            Assert.Equal(direct ? [] : ["A", "B"], log);
        }
    }

    [Fact]
    public void A_full_backward_hook_sees_the_gradients_at_input_and_output_and_may_replace_the_inputs()
    {
        var layer = Line();
        var x = Input().RequireGrad();
        double[]? gradInput = null, gradOutput = null;
        layer.RegisterFullBackwardHook((module, gIn, gOut) =>
        {
            Assert.Same(layer, module);
            (gradInput, gradOutput) = (gIn!.ToArray<double>(), gOut.ToArray<double>());
            return gIn * 0;
        });
        (layer.Call(x) * 5).Sum().Backward();
        Assert.Equal([5.0], gradOutput!);                      // ∂(5y)/∂y
        Assert.Equal([5.0, 10.0], gradInput!);                 // 5 · W
        Assert.Equal([0.0, 0.0], x.Grad!.ToArray<double>());  // replaced
        Assert.Equal([15.0, 20.0], layer.Weight.Grad!.ToArray<double>()); // 5 · x: the parameters' gradients are not the hook's
    }

    [Fact]
    public void Backward_hooks_chain_each_on_the_gradient_the_one_before_returned()
    {
        var layer = Line();
        var x = Input().RequireGrad();
        var seen = new List<double>();
        layer.RegisterFullBackwardHook((_, gIn, _) => { seen.Add(gIn!.At(0, 1)); return gIn + 1; });
        layer.RegisterFullBackwardHook((_, gIn, _) => { seen.Add(gIn!.At(0, 1)); return null; });
        layer.Call(x).Sum().Backward();
        Assert.Equal([2.0, 3.0], seen);
        Assert.Equal([2.0, 3.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Where_the_input_takes_no_gradient_the_backward_hook_gets_null_and_the_output_gradient()
    {
        var layer = Line();
        Tensor? gradInput = Tensor.Zeros([1]);
        double[]? gradOutput = null;
        layer.RegisterFullBackwardHook((_, gIn, gOut) => { (gradInput, gradOutput) = (gIn, gOut.ToArray<double>()); return null; });
        (layer.Call(Input()) * 3).Sum().Backward();
        Assert.Null(gradInput);
        Assert.Equal([3.0], gradOutput!);
        Assert.Equal([9.0, 12.0], layer.Weight.Grad!.ToArray<double>());
    }

    [Fact]
    public void Backward_hooks_of_a_Sequential_fire_from_the_last_layer_to_the_first()
    {
        var model = new Sequential(Line(), new Tanh());
        var log = new List<string>();
        model.RegisterFullBackwardHook((_, _, _) => { log.Add("model"); return null; });
        model[0].RegisterFullBackwardHook((_, _, _) => { log.Add("0"); return null; });
        model[1].RegisterFullBackwardHook((_, gIn, gOut) =>
        {
            // tanh(11) is 1 to float64's precision minus 1e-9: its derivative 1 − y² is about 1.1e-9
            log.Add($"1 {gOut.At(0, 0)} {gIn!.At(0, 0) < 1e-8}");
            return null;
        });
        model.Call(Input().RequireGrad()).Sum().Backward();
        Assert.Equal(["1 1 True", "0", "model"], log);
    }

    [Fact]
    public void A_backward_hook_removed_after_the_forward_still_runs_for_that_call_only()
    {
        var layer = Line();
        int calls = 0;
        var handle = layer.RegisterFullBackwardHook((_, _, _) => { calls++; return null; });
        var loss = layer.Call(Input().RequireGrad()).Sum();
        handle.Remove();
        loss.Backward();
        layer.Call(Input().RequireGrad()).Sum().Backward();
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Under_NoGrad_forward_hooks_run_and_backward_hooks_are_not_wired()
    {
        var layer = Line();
        int forwardCalls = 0, backwardCalls = 0;
        layer.RegisterForwardPreHook((_, _) => { forwardCalls++; return null; });
        layer.RegisterForwardHook((_, _, _) => { forwardCalls++; return null; });
        layer.RegisterFullBackwardHook((_, _, _) => { backwardCalls++; return null; });
        Tensor output;
        using (Tape.NoGrad()) output = layer.Call(Input().RequireGrad());
        Assert.Equal(2, forwardCalls);
        Assert.False(output.RequiresGrad);
        Assert.Null(output.GradFnName);
        var recorded = layer.Call(Input().RequireGrad());
        Assert.Equal("BackwardHookFunction", recorded.GradFnName);
        recorded.Sum().Backward();
        Assert.Equal(1, backwardCalls);
    }

    [Fact]
    public void Without_hooks_Call_is_Forward()
    {
        var layer = Line();
        var output = layer.Call(Input().RequireGrad());
        Assert.Equal("Linear", output.GradFnName);
        Assert.Equal(11.0, output.At(0, 0));
    }
}
