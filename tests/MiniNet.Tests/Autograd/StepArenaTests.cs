using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Tests.Autograd;

/// <summary>The step arena: a steady training step allocates nothing, computes the same bits, and a step's tensors end with it.</summary>
/// <remarks>Alone, not beside other tests: their products would share the kernel threads' idle jobs with these steps.</remarks>
[Collection(AllocationCollection.Name)]
public class StepArenaTests
{
    private static Sequential Mlp(int[] sizes)
    {
        var layers = new List<Module>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            layers.Add(new Dense(sizes[i], sizes[i + 1], seed: i + 1));
            if (i + 2 < sizes.Length) layers.Add(new ReLU());
        }
        return new Sequential([.. layers]);
    }

    private static int[] Labels(int count, int classes) => [.. Enumerable.Range(0, count).Select(i => i * 7 % classes)];

    /// <summary>
    /// Runs <paramref name="step"/> in steps of <paramref name="arena"/>: the first <paramref name="warmUp"/> fill the arena,
    /// the gradient buffers and the optimiser state, and compile; returns the bytes the next <paramref name="counted"/> allocated.
    /// </summary>
    private static long BytesOfSteadySteps(StepArena arena, Action step, int warmUp = 6, int counted = 10)
    {
        long bytes = 0;
        for (int i = 0; i < warmUp + counted; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (arena.Step()) step();
            if (i >= warmUp) bytes += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        return bytes;
    }

    public static TheoryData<int[], int, string> Workloads => new()
    {
        // bench/WORKLOADS.md's MLP steps.
        { [784, 128, 10], 1, "sgd" },
        { [784, 256, 10], 64, "sgd" },
        { [784, 256, 10], 64, "adam" },
        { [784, 512, 512, 10], 256, "adam" },
    };

    [Theory]
    [MemberData(nameof(Workloads))]
    public void A_steady_training_step_allocates_nothing(int[] sizes, int batch, string optimizerName)
    {
        var model = Mlp(sizes);
        Optimizer optimizer = optimizerName == "sgd" ? new Sgd(model.Parameters(), lr: 0.01) : new Adam(model.Parameters(), lr: 1e-3);
        var head = new SoftmaxHead();
        var input = Tensor.Randn([batch, sizes[0]], seed: 7);
        var labels = Labels(batch, sizes[^1]);
        var arena = new StepArena();
        // Fewer counted steps of the largest, which takes most of a second on the paths without FMA (emulated there).
        long bytes = BytesOfSteadySteps(arena, () =>
        {
            optimizer.ZeroGrad();
            head.Loss(model.Forward(input), labels).Backward();
            optimizer.Step();
        }, counted: batch >= 256 ? 4 : 10);
        Assert.Equal(0, bytes);
        Assert.Equal(sizes.Length == 3 ? 8 : 12, arena.TensorCount); // forward results, the loss, the seed and the intermediates' gradients
    }

    [Fact]
    public void A_steady_multi_label_step_with_the_sigmoid_head_allocates_nothing()
    {
        var model = new Sequential(new Dense(20, 16, seed: 1), new Tanh(), new Dense(16, 5, seed: 2)); // logits: the head applies σ
        var optimizer = new AdamW(model.Parameters(), lr: 1e-3);
        var head = new SigmoidHead();
        var (input, targets) = (Tensor.Randn([8, 20], seed: 3), Tensor.Rand([8, 5], seed: 4).Gt(0.5));
        long bytes = BytesOfSteadySteps(new StepArena(), () =>
        {
            optimizer.ZeroGrad();
            head.Loss(model.Forward(input), targets).Backward();
            optimizer.Step();
        });
        Assert.Equal(0, bytes);
    }

    /// <summary>The other activations, a residual sum, a product of tensors and number operands: their rules are static too.</summary>
    private sealed class Mixed : Module
    {
        private readonly Dense fc1 = new(20, 16, seed: 1), fc2 = new(16, 16, seed: 2), fc3 = new(16, 5, seed: 3);
        private readonly LeakyReLU leaky = new(0.1);
        private readonly GELU gelu = new();
        private readonly Softplus softplus = new();

        public override Tensor Forward(Tensor x)
        {
            var h = leaky.Forward(fc1.Forward(x));
            h = h + gelu.Forward(fc2.Forward(h)) * softplus.Forward(h);
            return fc3.Forward((h * 0.5 - 1.0) / 2.0).Clamp(-50, 50);
        }
    }

    [Fact]
    public void A_steady_step_through_other_activations_residuals_and_number_operands_allocates_nothing()
    {
        var model = new Mixed();
        var optimizer = new Sgd(model.Parameters(), lr: 1e-3, momentum: 0.9);
        var head = new SoftmaxHead();
        var (input, labels) = (Tensor.Randn([8, 20], seed: 3), Labels(8, 5));
        long bytes = BytesOfSteadySteps(new StepArena(), () =>
        {
            optimizer.ZeroGrad();
            (head.Loss(model.Forward(input), labels) * 2.0).Backward();
            optimizer.Step();
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Training_in_an_arena_gives_the_same_bits_as_without_and_last_batches_of_another_size_work()
    {
        float[] Train(bool withArena)
        {
            var model = Mlp([12, 16, 3]);
            var optimizer = new Adam(model.Parameters(), lr: 0.01);
            var head = new SoftmaxHead();
            var arena = new StepArena();
            for (int step = 0; step < 12; step++)
            {
                int batch = step % 4 == 3 ? 5 : 8; // a smaller batch now and then: new tensors, then the old ones again
                var input = Tensor.Randn([batch, 12], seed: step + 100);
                using (withArena ? arena.Step() : default)
                {
                    optimizer.ZeroGrad();
                    head.Loss(model.Forward(input), Labels(batch, 3)).Backward();
                    optimizer.Step();
                }
            }
            return [.. model.Parameters().SelectMany(p => p.ToArray<float>())];
        }
        Assert.Equal(Train(withArena: false), Train(withArena: true));
    }

    [Fact]
    public void The_next_step_reuses_the_tensors_and_a_steps_tensors_are_refused_after_it()
    {
        var model = Mlp([4, 3]);
        var head = new SoftmaxHead();
        var input = Tensor.Ones([2, 4]);
        var arena = new StepArena();
        Tensor logits, loss;
        double value;
        using (arena.Step())
        {
            logits = model.Forward(input);
            loss = head.Loss(logits, [0, 1]);
            value = loss.Item(); // read inside the step: fine
            loss.Backward();
        }
        Assert.True(double.IsFinite(value));
        var error = Assert.Throws<InvalidOperationException>(() => loss.Item());
        Assert.Contains("was computed in step 1 of a StepArena, which has ended", error.Message);
        Assert.Contains("Read what you need inside the step", error.Message);
        Assert.Throws<InvalidOperationException>(() => logits.ToArray<float>());
        Assert.Throws<InvalidOperationException>(() => logits.Relu());
        Assert.Throws<InvalidOperationException>(() => logits.ToString());
        Assert.Throws<InvalidOperationException>(() => logits.Detach().ToArray<float>()); // a view of it too
        // What the step did not compute is not the arena's: the parameters, their gradients, the input.
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad!.ToArray<float>()));
        Assert.Equal(8, input.ToArray<float>().Length);

        using (arena.Step())
        {
            var again = model.Forward(input);
            Assert.Same(logits, again); // the same tensor, computed again
            Assert.Equal(2, arena.Steps);
            Assert.Equal([2, 3], again.Shape.ToArray()); // and live again
        }
    }

    [Fact]
    public void Tensors_created_by_the_user_inside_a_step_are_not_the_arenas()
    {
        var arena = new StepArena();
        Tensor created, full;
        using (arena.Step())
        {
            created = Tensor.Randn([3], seed: 1);
            full = Tensor.Full([2], 4.0);
            _ = created.Exp(); // an op's result is the arena's
        }
        Assert.Equal(3, created.ToArray<float>().Length);
        Assert.Equal([4f, 4f], full.ToArray<float>());
    }

    [Fact]
    public void Steps_do_not_nest_and_an_arena_serves_one_thread_at_a_time()
    {
        var arena = new StepArena();
        using (arena.Step())
        {
            Assert.Contains("steps do not nest", Assert.Throws<InvalidOperationException>(() => arena.Step()).Message);
            Assert.Contains("another arena", Assert.Throws<InvalidOperationException>(() => new StepArena().Step()).Message);
            Exception? fromOtherThread = null;
            var thread = new Thread(() => fromOtherThread = Record.Exception(() => arena.Step()));
            thread.Start();
            thread.Join();
            Assert.Contains("under way on another thread", Assert.IsType<InvalidOperationException>(fromOtherThread).Message);
        }
        var scope = arena.Step();
        scope.Dispose();
        scope.Dispose(); // twice: nothing more
        using (arena.Step()) Assert.Equal(3, arena.Steps);
    }

    [Fact]
    public void Backward_through_a_graph_whose_step_has_ended_is_refused()
    {
        var weight = Tensor.Ones([3]).RequireGrad();
        var arena = new StepArena();
        Tensor loss;
        using (arena.Step()) loss = (weight * 2).Sum();
        Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Null(weight.Grad);
    }
}

/// <summary>Tests that count the bytes a computation allocates, run while no other test runs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation";
}
