namespace MiniNet.Tests.Autograd;

/// <summary>
/// Tensor gradient hooks (PyTorch's <c>Tensor.register_hook</c>): what they see, what a replacement changes, their order,
/// their removal, and that a gradient a hook keeps stays as it was. Every expected value is worked out by hand.
/// </summary>
public class TensorHookTests
{
    private static Tensor Leaf(params double[] values) => Tensor.FromArray(values).RequireGrad();

    [Fact]
    public void A_hook_on_a_result_sees_its_gradient_and_its_replacement_flows_on()
    {
        var x = Leaf(1, 2, 3);
        var y = x * x;
        double[]? seen = null;
        y.RegisterHook(g =>
        {
            seen = g.ToArray<double>();
            return g * 10;
        });
        (y * 3).Sum().Backward();
        Assert.Equal([3.0, 3.0, 3.0], seen!);                  // ∂(Σ 3y)/∂y = 3
        Assert.Equal([60.0, 120.0, 180.0], x.Grad!.ToArray<double>()); // 30 · 2x instead of 3 · 2x
    }

    [Fact]
    public void A_leaf_hook_sees_the_whole_gradient_of_the_pass_once_before_it_is_added_to_Grad()
    {
        var x = Leaf(1, 2, 3);
        (x * 2).Sum().Backward();                             // Grad = 2
        var seen = new List<double[]>();
        x.RegisterHook(g =>
        {
            seen.Add(g.ToArray<double>());
            return null;
        });
        (x * 3 + x).Sum().Backward();                         // two uses in one pass: 3 + 1
        Assert.Equal([[4.0, 4.0, 4.0]], seen);
        Assert.Equal([6.0, 6.0, 6.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void A_leaf_hook_may_replace_what_is_added_to_Grad()
    {
        var x = Leaf(1, 2);
        x.RegisterHook(g => g * -1);
        (x * x).Sum().Backward();
        Assert.Equal([-2.0, -4.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Hooks_run_in_the_order_registered_each_on_what_the_one_before_returned()
    {
        var x = Leaf(1, 2);
        var y = x * 1;
        var log = new List<string>();
        y.RegisterHook(g =>
        {
            log.Add($"first {g.At(0)}");
            return g + 1;
        });
        y.RegisterHook(g =>
        {
            log.Add($"second {g.At(0)}");
            return g * 2;
        });
        y.Sum().Backward();
        Assert.Equal(["first 1", "second 2"], log);
        Assert.Equal([4.0, 4.0], x.Grad!.ToArray<double>()); // (1 + 1) · 2
    }

    [Fact]
    public void A_removed_hook_does_not_run_and_removing_twice_does_nothing()
    {
        var x = Leaf(1, 2);
        int calls = 0;
        var handle = x.RegisterHook(g =>
        {
            calls++;
            return g * 100;
        });
        using (x.RegisterHook(_ => null)) { } // disposed at once: taken off again
        handle.Remove();
        handle.Dispose();
        (x * 2).Sum().Backward();
        Assert.Equal(0, calls);
        Assert.Equal([2.0, 2.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void A_hook_on_the_loss_scales_every_gradient()
    {
        var x = Leaf(1, 2);
        var loss = (x * x).Sum();
        loss.RegisterHook(g => g * 0.5);
        loss.Backward();
        Assert.Equal([1.0, 2.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void RetainGrad_keeps_the_gradient_the_hooks_left()
    {
        var x = Leaf(1, 2);
        var y = (x * 2).RetainGrad();
        y.RegisterHook(g => g * 3);
        y.Sum().Backward();
        Assert.Equal([3.0, 3.0], y.Grad!.ToArray<double>());
        Assert.Equal([6.0, 6.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void A_gradient_a_hook_keeps_is_not_reused_by_later_passes()
    {
        var x = Leaf(1, 2);
        var y = x * 2;
        Tensor? kept = null;
        y.RegisterHook(g =>
        {
            kept = g;
            return null;
        });
        (y * 7).Sum().Backward();
        for (int i = 0; i < 3; i++) ((x * 2) * 5).Sum().Backward(); // the engine's recycled buffers of the same shape
        Assert.Equal([7.0, 7.0], kept!.ToArray<double>());
    }

    [Fact]
    public void A_hook_on_a_leaf_root_runs_on_the_seed()
    {
        var x = Leaf(3);
        x.RegisterHook(g => g * 4);
        x.Backward();
        Assert.Equal([4.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Without_hooks_a_leaf_gradient_is_the_same_bits_as_with_a_hook_that_returns_null()
    {
        var values = new[] { 0.1f, -0.3f, 1e-7f, 3.5f };
        Tensor Gradient(bool hooked)
        {
            var x = Tensor.FromArray(values).RequireGrad();
            if (hooked) x.RegisterHook(_ => null);
            ((x * x).Exp() * x - x * 0.3f).Sum().Backward();
            return x.Grad!;
        }
        Assert.Equal(Gradient(hooked: false).ToArray<float>(), Gradient(hooked: true).ToArray<float>());
    }
}
