namespace MiniNet.Tests.Autograd;

/// <summary>
/// Two backward passes through the same tensors at once would add into the same gradients together. The
/// second pass to reach a shared tensor throws, naming it, before it runs a single rule; the first finishes
/// with the right gradient; the refused graph is left intact and can be walked afterwards.
/// </summary>
public class ConcurrentBackwardTests
{
    /// <summary>A pass held open inside its first backward rule, on a thread of its own, until released.</summary>
    private sealed class HeldPass : IDisposable
    {
        private readonly ManualResetEventSlim _inside = new(), _release = new();
        private readonly Thread _thread;

        public HeldPass(Tensor weight, Tensor input)
        {
            _thread = new Thread(() =>
            {
                var product = (input * weight).Sum();
                var held = Tape.Function("Hold", [product], xs => xs[0] * 1, (g, grads) =>
                {
                    _inside.Set();
                    _release.Wait();
                    grads.Accumulate(product, g);
                });
                held.Backward();
            });
            _thread.Start();
            Assert.True(_inside.Wait(TimeSpan.FromSeconds(30)), "the held pass never started");
        }

        public void Dispose()
        {
            _release.Set();
            Assert.True(_thread.Join(TimeSpan.FromSeconds(30)), "the held pass never finished");
        }
    }

    [Fact]
    public void A_second_pass_through_a_leaf_another_pass_is_writing_is_refused_and_its_graph_kept()
    {
        var weight = Tensor.FromArray([1f, 2f, 3f]).RequireGrad();
        var mine = (weight * Tensor.FromArray([10f, 20f, 30f])).Sum();
        using (new HeldPass(weight, Tensor.FromArray([1f, 1f, 1f])))
        {
            var error = Assert.Throws<InvalidOperationException>(() => mine.Backward());
            Assert.Contains("Backward: another backward pass is running through a leaf tensor of shape [3] (Float32) that requires grad", error.Message);
            Assert.Contains("a lock around Backward", error.Message);
        }
        Assert.Equal([1f, 1f, 1f], weight.Grad!.ToArray<float>());      // the held pass's gradient, alone
        mine.Backward();                                                 // the refused graph was not consumed
        Assert.Equal([11f, 21f, 31f], weight.Grad!.ToArray<float>());
    }

    [Fact]
    public void A_second_pass_through_a_shared_intermediate_tensor_names_the_op_that_made_it()
    {
        var weight = Tensor.FromArray([1f, 2f]).RequireGrad();
        var shared = weight.Exp();
        var first = (shared * 2).Sum();
        var second = (shared * 3).Sum();
        var inside = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var held = Tape.Function("Hold", [first], xs => xs[0] * 1, (g, grads) =>
        {
            inside.Set();
            release.Wait();
            grads.Accumulate(first, g);
        });
        var holder = new Thread(() => held.Backward(retainGraph: true));
        holder.Start();
        Assert.True(inside.Wait(TimeSpan.FromSeconds(30)));
        var error = Assert.Throws<InvalidOperationException>(() => second.Backward(retainGraph: true));
        Assert.Contains("running through the output of Exp, of shape [2] (Float32)", error.Message);
        release.Set();
        Assert.True(holder.Join(TimeSpan.FromSeconds(30)));
        second.Backward();
        Assert.Equal(new[] { 5 * MathF.Exp(1), 5 * MathF.Exp(2) }, weight.Grad!.ToArray<float>());
    }

    [Fact]
    public void A_pass_waiting_on_a_leaf_as_its_own_root_is_refused_too()
    {
        var weight = Tensor.FromArray([1f, 2f, 3f]).RequireGrad();
        using (new HeldPass(weight, Tensor.FromArray([2f, 2f, 2f])))
            Assert.Contains("through a leaf tensor of shape [3]", Assert.Throws<InvalidOperationException>(() => weight.Backward(Tensor.OnesLike(weight))).Message);
        Assert.Equal([2f, 2f, 2f], weight.Grad!.ToArray<float>());
    }

    [Fact]
    public void Passes_that_share_nothing_run_at_once_and_passes_one_after_another_accumulate()
    {
        var a = Tensor.FromArray([1f, 2f]).RequireGrad();
        var b = Tensor.FromArray([3f, 4f]).RequireGrad();
        using (new HeldPass(a, Tensor.FromArray([1f, 1f])))
            (b * b).Sum().Backward();                           // nothing shared with the held pass: no error
        Assert.Equal([6f, 8f], b.Grad!.ToArray<float>());
        (a * 5).Sum().Backward();
        Assert.Equal([6f, 6f], a.Grad!.ToArray<float>());
    }

    [Fact]
    public void Racing_passes_either_finish_with_the_right_gradient_or_are_refused_never_corrupted()
    {
        // The reproduction of the issue: two threads, 200 rounds, backward through one shared weight. Every round's
        // gradient is exactly 1 per element, so the total is the number of passes that were not refused.
        const int Rounds = 200;
        var weight = Tensor.Ones([256, 64]).RequireGrad();
        int completed = 0, refused = 0;
        var start = new Barrier(2);
        void Race()
        {
            var input = Tensor.Ones([8, 256]);
            for (int round = 0; round < Rounds; round++)
            {
                var loss = input.MatMul(weight).Sum() / 8;
                start.SignalAndWait();
                try
                {
                    loss.Backward();
                    Interlocked.Increment(ref completed);
                }
                catch (InvalidOperationException e) when (e.Message.Contains("another backward pass"))
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }
        var other = new Thread(Race);
        other.Start();
        Race();
        other.Join();
        Assert.Equal(2 * Rounds, completed + refused);
        Assert.All(weight.Grad!.ToArray<float>(), g => Assert.Equal((float)completed, g));
    }
}
