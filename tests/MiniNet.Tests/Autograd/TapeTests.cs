using System.Runtime.CompilerServices;

namespace MiniNet.Tests.Autograd;

/// <summary>The tape's semantics: accumulation, no-grad scopes, detach, retained gradients and graphs, and its errors.</summary>
public class TapeTests
{
    [Fact]
    public void Gradients_accumulate_across_backward_calls_until_cleared()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        (x * 3).Sum().Backward();
        (x * 3).Sum().Backward();
        Assert.Equal([6.0, 6.0], x.Grad!.ToArray<double>());
        x.Grad = null; // what an optimiser's ZeroGrad does
        (x * x).Sum().Backward();
        Assert.Equal([2.0, 4.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Backward_with_a_seed_works_for_any_shape_and_does_not_change_the_seed()
    {
        var x = Tensor.FromArray([1.0, 2.0, 3.0]).RequireGrad();
        var seed = Tensor.FromArray([1.0, 10.0, 100.0]);
        (x * x).Backward(seed);
        Assert.Equal([2.0, 40.0, 600.0], x.Grad!.ToArray<double>());
        Assert.Equal([1.0, 10.0, 100.0], seed.ToArray<double>());
    }

    [Fact]
    public void Backward_from_a_leaf_accumulates_the_seed_into_its_own_gradient()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        x.Backward(Tensor.FromArray([3.0, 4.0]));
        Assert.Equal([3.0, 4.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void NoGrad_scope_records_nothing_and_scopes_nest()
    {
        var x = Tensor.Ones([2]).RequireGrad();
        using (Tape.NoGrad())
        {
            Assert.False(Tape.IsRecording);
            using (Tape.NoGrad())
            {
                var inner = x * 2;
                Assert.False(inner.RequiresGrad);
            }
            Assert.False(Tape.IsRecording); // the outer scope still holds
            var y = x * 2;
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFnName);
            Assert.True(y.IsLeaf);
        }
        Assert.True(Tape.IsRecording);
        Assert.Equal("Mul", (x * 2).GradFnName);
    }

    [Fact]
    public void Disposing_a_NoGrad_scope_twice_does_not_end_an_outer_scope()
    {
        using var outer = Tape.NoGrad();
        var inner = Tape.NoGrad();
        inner.Dispose();
        inner.Dispose();
        Assert.False(Tape.IsRecording);
    }

    [Fact]
    public void NoGrad_is_per_thread_another_thread_still_records()
    {
        var x = Tensor.Ones([2]).RequireGrad();
        using (Tape.NoGrad())
        {
            string? otherThreadGradFn = null;
            bool otherThreadRecording = false;
            var thread = new Thread(() =>
            {
                otherThreadRecording = Tape.IsRecording;
                otherThreadGradFn = (x * 2).GradFnName;
            });
            thread.Start();
            thread.Join();
            Assert.True(otherThreadRecording);
            Assert.Equal("Mul", otherThreadGradFn);
            Assert.Null((x * 2).GradFnName);
        }
    }

    [Fact]
    public void Graphs_built_on_parallel_threads_get_their_own_gradients()
    {
        // Each thread builds and walks 200 graphs of its own while the others do the same.
        var results = new double[8][];
        Parallel.For(0, 8, i =>
        {
            var x = Tensor.FromArray([i + 1.0, 2.0]).RequireGrad();
            for (int k = 0; k < 200; k++)
            {
                x.Grad = null;
                (x * x * x).Sum().Backward();
            }
            results[i] = x.Grad!.ToArray<double>();
        });
        for (int i = 0; i < 8; i++) Assert.Equal([3 * (i + 1.0) * (i + 1.0), 12.0], results[i]);
    }

    [Fact]
    public void Detach_cuts_the_graph_and_shares_storage()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var y = x * 3;
        var detached = y.Detach();
        Assert.True(detached.IsLeaf);
        Assert.False(detached.RequiresGrad);
        Assert.Equal(y.ToArray<double>(), detached.ToArray<double>());

        // Gradient flows through x directly, not through the detached copy of y.
        (detached * x).Sum().Backward();
        Assert.Equal([3.0, 6.0], x.Grad!.ToArray<double>());

        detached.Fill(0); // the same storage: y sees it
        Assert.Equal([0.0, 0.0], y.ToArray<double>());
    }

    [Fact]
    public void RetainGrad_keeps_the_gradient_of_a_non_leaf()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var hidden = (x * 2).RetainGrad();
        var other = x * 5; // not retained
        (hidden * hidden + other).Sum().Backward();
        Assert.True(hidden.RetainsGrad);
        Assert.Equal([4.0, 8.0], hidden.Grad!.ToArray<double>()); // d(h²)/dh = 2h
        Assert.Null(other.Grad);
        Assert.Equal([13.0, 21.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void A_retained_gradient_accumulates_over_retained_graph_passes_and_the_root_can_retain_its_own()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var hidden = (x * 3).RetainGrad();
        var loss = (hidden * hidden).Sum().RetainGrad();
        loss.Backward(retainGraph: true);
        loss.Backward();
        Assert.Equal(2.0, loss.Grad!.Item());
        Assert.Equal([12.0, 24.0], hidden.Grad!.ToArray<double>()); // 2 · 2h
    }

    [Fact]
    public void Zero_size_tensors_flow_through_ops_and_backward()
    {
        var empty = Tensor.Zeros([0, 3], DType.Float64).RequireGrad();
        var bias = Tensor.FromArray([1.0, 2.0, 3.0]).RequireGrad();
        var y = ((empty + bias).Exp() * 2).Sum();
        Assert.Equal(0.0, y.Item());
        y.Backward();
        Assert.Equal([0, 3], empty.Grad!.Shape.ToArray());
        Assert.Equal([0.0, 0.0, 0.0], bias.Grad!.ToArray<double>());
        Assert.Equal([0, 2], empty.MatMul(Tensor.Ones([3, 2], DType.Float64)).Shape.ToArray());
        Assert.Equal([3, 0], empty.Transpose().Shape.ToArray());
    }

    [Fact]
    public void RetainGrad_on_a_tensor_that_does_not_require_grad_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Tensor.Ones([2]).RetainGrad());
        Assert.Contains("RetainGrad: this tensor does not require grad", error.Message);
    }

    [Fact]
    public void RetainGraph_allows_a_second_backward_that_doubles_the_gradients()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var loss = (x.Exp() * x).Sum();
        loss.Backward(retainGraph: true);
        var once = x.Grad!.ToArray<double>();
        loss.Backward();
        Assert.Equal(once.Select(g => 2 * g), x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Backward_twice_through_a_consumed_graph_says_how_to_keep_it()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var loss = (x.Exp() * x).Sum();
        loss.Backward();
        var error = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("backward through the graph a second time", error.Message);
        Assert.Contains("Sum", error.Message);
        Assert.Contains("retainGraph: true", error.Message);
    }

    [Fact]
    public void Backward_on_a_tensor_that_does_not_require_grad_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => (Tensor.Ones([2]) * 2).Sum().Backward());
        Assert.Contains("Backward: this tensor of shape [] does not require grad", error.Message);
        Assert.Contains("RequiresGrad = true", error.Message);
    }

    [Fact]
    public void Backward_on_a_non_scalar_without_a_seed_is_refused()
    {
        var x = Tensor.Ones([2, 3]).RequireGrad();
        var error = Assert.Throws<InvalidOperationException>(() => (x * 2).Backward());
        Assert.Contains("the tensor has shape [2, 3] (6 elements)", error.Message);
        Assert.Contains("Backward(gradient)", error.Message);
    }

    [Fact]
    public void Backward_with_a_seed_of_the_wrong_shape_or_dtype_is_refused()
    {
        var y = Tensor.Ones([2, 3]).RequireGrad() * 2;
        var shape = Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones([3, 2])));
        Assert.Contains("expected [2, 3] Float32, got [3, 2] Float32", shape.Message);
        var dtype = Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones([2, 3], DType.Float64)));
        Assert.Contains("got [2, 3] Float64", dtype.Message);
    }

    [Fact]
    public void A_saved_tensor_changed_in_place_afterwards_is_caught_by_its_version()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var weights = Tensor.FromArray([3.0, 4.0]); // saved by Mul for x's gradient
        var loss = (x * weights).Sum();
        weights.Fill(0);
        var error = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("saved by Mul for its backward rule was modified in place", error.Message);
        Assert.Contains("version 1, expected version 0", error.Message);
    }

    [Fact]
    public void An_in_place_change_through_a_view_bumps_the_shared_version()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var weights = Tensor.FromArray([3.0, 4.0]);
        var loss = (x * weights).Sum();
        weights.Reshape(2, 1).MulInPlace(2);
        Assert.Throws<InvalidOperationException>(() => loss.Backward());
    }

    [Fact]
    public void In_place_change_of_a_leaf_that_requires_grad_is_refused_while_recording()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var error = Assert.Throws<InvalidOperationException>(() => x.Fill(0));
        Assert.Contains("Fill: an in-place change to a tensor that requires grad ([2]) is not differentiable", error.Message);
        Assert.Contains("Tape.NoGrad()", error.Message);
        Assert.Throws<InvalidOperationException>(() => x.AddInPlace(x.Detach()));
        Assert.Throws<InvalidOperationException>(() => x.MulInPlace(2));
        Assert.Throws<InvalidOperationException>(() => x.CopyFrom(Tensor.Zeros([2], DType.Float64)));

        using (Tape.NoGrad()) x.AddInPlace(Tensor.FromArray([1.0, 1.0]), alpha: -0.5); // an optimiser step
        Assert.Equal([0.5, 1.5], x.ToArray<double>());
    }

    [Fact]
    public void Setting_RequiresGrad_on_a_non_leaf_is_refused()
    {
        var y = Tensor.Ones([2]).RequireGrad().Exp();
        var error = Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.Contains("RequiresGrad can only be set on a leaf tensor; this one was produced by Exp", error.Message);
        Assert.Contains("Detach()", error.Message);
    }

    [Fact]
    public void Broadcast_inputs_receive_gradients_summed_to_their_own_shape()
    {
        var batch = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }).RequireGrad();
        var bias = Tensor.FromArray([10.0, 20.0, 30.0]).RequireGrad();
        var column = Tensor.FromArray(new double[,] { { 2 }, { 3 } }).RequireGrad();
        ((batch + bias) * column).Sum().Backward();
        Assert.Equal([3], bias.Grad!.Shape.ToArray());
        Assert.Equal([5.0, 5.0, 5.0], bias.Grad.ToArray<double>());      // Σ over rows of the column
        Assert.Equal([66.0, 75.0], column.Grad!.ToArray<double>());      // Σ over columns of batch + bias
        Assert.Equal([2.0, 2, 2, 3, 3, 3], batch.Grad!.ToArray<double>());
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void A_gradient_summed_over_a_long_broadcast_is_as_accurate_as_Sum(DType dtype)
    {
        // A bias broadcast over 4099 rows: its gradient is the column sums of the output gradient, and must not
        // cost one rounding per row (as Sum along that axis does not).
        const int rows = 4099;
        var bias = Tensor.Zeros([3], dtype).RequireGrad();
        var g = Tensor.Uniform([rows, 3], -1, 1, new Generator(9), dtype);
        (Tensor.Zeros([rows, 3], dtype) + bias).Backward(g);
        var values = TestData.Values(g);
        var expected = new double[3];
        for (int j = 0; j < 3; j++)
        {
            double sum = 0, compensation = 0; // Neumaier
            for (int i = 0; i < rows; i++)
            {
                double v = values[i * 3 + j], t = sum + v;
                compensation += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
                sum = t;
            }
            expected[j] = sum + compensation;
        }
        double tolerance = (dtype == DType.Float32 ? 1e-6 : 1e-15) * Math.Sqrt(rows);
        TestData.AssertClose(expected, bias.Grad!, rtol: 0, atol: tolerance);
        TestData.AssertClose(TestData.Values(g.Sum(0)), bias.Grad!, rtol: 0, atol: tolerance);
    }

    [Fact]
    public void A_diamond_graph_gives_both_branches_contributions()
    {
        // y = (2x)·eˣ: x reaches y along two paths; dy/dx = 2eˣ + 2x·eˣ.
        var x = Tensor.FromArray([0.5, -1.0]).RequireGrad();
        var doubled = x * 2;
        var exp = x.Exp();
        (doubled * exp).Sum().Backward();
        var expected = new[] { 0.5, -1.0 }.Select(v => 2 * Math.Exp(v) + 2 * v * Math.Exp(v)).ToArray();
        TestData.AssertClose(expected, x.Grad!, rtol: 1e-15);
    }

    [Fact]
    public void Only_inputs_that_require_grad_get_gradients()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var constant = Tensor.FromArray([3.0, 4.0]);
        (x * constant + constant).Sum().Backward();
        Assert.Null(constant.Grad);
        Assert.Equal([3.0, 4.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void A_graph_built_and_dropped_without_backward_is_collected()
    {
        var x = Tensor.Ones([256, 256]).RequireGrad();
        var (output, intermediate) = BuildGraph(x);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(output.IsAlive, "the dropped graph's output is still reachable");
        Assert.False(intermediate.IsAlive, "the dropped graph's intermediate is still reachable");
        GC.KeepAlive(x);
    }

    [Fact]
    public void Backward_frees_the_graph_it_walked_while_the_loss_is_still_held()
    {
        var x = Tensor.Ones([256, 256]).RequireGrad();
        var (loss, intermediate) = BuildLoss(x);
        loss.Backward();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(intermediate.IsAlive, "an intermediate saved for backward outlived the backward pass");
        GC.KeepAlive(loss);
    }

    [Fact]
    public void A_custom_op_from_Tape_Function_is_recorded_and_passes_GradCheck()
    {
        // cube(x) = x³ with its own backward: dx += g·3x².
        static Tensor Cube(Tensor x) => Tape.Function("Cube", [x], xs => xs[0] * xs[0] * xs[0],
            (g, grads) => grads.Accumulate(x, g * x * x * 3));

        var input = TestData.Uniform([2, 3], -2, 2, 1);
        var y = Cube(input);
        Assert.Equal("Cube", y.GradFnName);
        Assert.Equal(input.ToArray<double>().Select(v => v * v * v), y.ToArray<double>());
        GradCheck.Assert(xs => Cube(xs[0]) * xs[0].Tanh(), [input]);
    }

    [Fact]
    public void Grad_must_match_its_tensor()
    {
        var x = Tensor.Ones([2]).RequireGrad();
        var error = Assert.Throws<ArgumentException>(() => x.Grad = Tensor.Ones([3]));
        Assert.Contains("expected [2] Float32, got [3] Float32", error.Message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Output, WeakReference Intermediate) BuildGraph(Tensor x)
    {
        var intermediate = x.Exp();
        var output = (intermediate * x).Sum();
        return (new WeakReference(output), new WeakReference(intermediate));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Tensor Loss, WeakReference Intermediate) BuildLoss(Tensor x)
    {
        var intermediate = x.Exp();
        var loss = (intermediate * x).Sum();
        return (loss, new WeakReference(intermediate));
    }
}
