using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Tests.Autograd;

/// <summary>
/// The backward pass reuses its own buffers — intermediate tensors' gradients through a per-thread pool, the
/// parameters' gradients across ZeroGrad — and that reuse never changes a result the user can see.
/// </summary>
public class GradientReuseTests
{
    private static (Sequential Model, Sgd Optimizer, Tensor Input, int[] Labels) Setup()
    {
        var model = new Sequential(new Dense(64, 2048, seed: 1), new ReLU(), new Dense(2048, 2048, seed: 2), new ReLU(), new Dense(2048, 10, seed: 3));
        return (model, new Sgd(model.Parameters(), lr: 0.01), Tensor.Randn([8, 64], seed: 4), [0, 1, 2, 3, 4, 5, 6, 7]);
    }

    [Fact]
    public void Backward_after_the_first_training_step_allocates_no_gradient_storage()
    {
        // On a thread of its own, so that the pool starts empty whatever ran on the test runner's threads before.
        long fewestBytes = long.MaxValue;
        var thread = new Thread(() =>
        {
            // Fill this thread's pool with gradients of other shapes first, as earlier work on a thread would.
            for (int size = 1024; size < 1024 + 40; size++)
            {
                var x = Tensor.Randn([size], seed: 1).RequireGrad();
                (x * 2).Relu().Sum().Backward();
            }
            var (model, optimizer, input, labels) = Setup();
            for (int step = 0; step < 8; step++)
            {
                optimizer.ZeroGrad();
                var loss = Losses.SoftmaxCrossEntropy(model.Forward(input), labels);
                long before = GC.GetAllocatedBytesForCurrentThread();
                loss.Backward();
                if (step > 0) fewestBytes = Math.Min(fewestBytes, GC.GetAllocatedBytesForCurrentThread() - before);
                optimizer.Step();
            }
        });
        thread.Start();
        thread.Join();
        // Fresh gradients would take 16 MB for the 2048×2048 weight alone, and 64 KB for each [8, 2048] intermediate,
        // on every step; what remains is the walk's bookkeeping. (The fewest over the steps: the GEMMs' scratch may
        // still grow once when a product is split across threads, which depends on the machine's load.)
        Assert.True(fewestBytes < 16 * 1024, $"every backward pass after the first allocated at least {fewestBytes} bytes");
    }

    [Fact]
    public void Training_with_reused_buffers_matches_training_a_fresh_model_each_step_bit_for_bit()
    {
        var (model, optimizer, input, labels) = Setup();
        var (reference, referenceOptimizer, _, _) = Setup();
        for (int step = 0; step < 3; step++)
        {
            optimizer.ZeroGrad();
            Losses.SoftmaxCrossEntropy(model.Forward(input), labels).Backward();
            optimizer.Step();
            // The reference drops every gradient for good and never sees a released one again.
            foreach (var parameter in reference.Parameters()) parameter.Grad = null;
            Losses.SoftmaxCrossEntropy(reference.Forward(input), labels).Backward();
            referenceOptimizer.Step();
        }
        foreach (var ((name, p), (_, q)) in model.NamedParameters().Zip(reference.NamedParameters()))
            Assert.True(p.ToArray<float>().SequenceEqual(q.ToArray<float>()), $"parameter {name}");
    }

    [Fact]
    public void A_custom_op_may_keep_the_gradient_it_was_given()
    {
        var kept = new List<Tensor>();
        Tensor Identity(Tensor x) => Tape.Function("KeepingIdentity", [x], xs => xs[0].Clone(), (g, grads) =>
        {
            kept.Add(g);
            grads.Accumulate(x, g);
        });
        var x = Tensor.Randn([64, 64], seed: 1).RequireGrad();
        (Identity(x * 2) * 3).Sum().Backward();
        (Identity(x * 2) * 5).Sum().Backward();
        Assert.All(kept[0].ToArray<float>(), g => Assert.Equal(3f, g));
        Assert.All(kept[1].ToArray<float>(), g => Assert.Equal(5f, g));
    }
}
