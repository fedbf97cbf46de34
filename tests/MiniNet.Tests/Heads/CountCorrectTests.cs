using System.Runtime.CompilerServices;
using MiniNet.Reporting;

namespace MiniNet.Tests.Heads;

/// <summary>The heads count a batch's right predictions from the logits the step computed: the rule of their Predict, without a second pass.</summary>
public class CountCorrectTests
{
    [Fact]
    public void Softmax_counts_the_rows_whose_largest_logit_is_the_label_the_first_on_ties()
    {
        var logits = Tensor.FromArray(new float[,]
        {
            { 2, 1, 0 },    // argmax 0
            { 0, 5, 5 },    // a tie: the first, 1
            { -1, -3, -2 }, // argmax 0
            { 0, 0, 9 },    // argmax 2
        });
        var head = new SoftmaxHead();
        Assert.Equal(3, head.CountCorrect(logits, [0, 1, 2, 2]));  // row 2 is wrong
        Assert.Equal(0, head.CountCorrect(logits, [1, 2, 1, 0]));
        Assert.Equal(4, head.CountCorrect(logits.To(DType.Float64), [0, 1, 0, 2]));
    }

    [Fact]
    public void Softmax_never_counts_an_ignored_row_as_correct()
    {
        var logits = Tensor.FromArray(new float[,] { { 1, 0 }, { 0, 1 }, { 1, 0 } });
        Assert.Equal(1, new SoftmaxHead().CountCorrect(logits, [-100, 1, -100]));
        Assert.Equal(2, new SoftmaxHead(ignoreIndex: 7).CountCorrect(logits, [0, 7, 0]));
    }

    [Fact]
    public void Softmax_counts_every_position_of_N_C_d_logits_and_the_one_row_of_C_logits()
    {
        // [2, 3, 2]: position [n, d] takes the argmax over the 3 classes at that d.
        var logits = Tensor.FromArray([0f, 9, 1, 0, 2, 0, /* n = 1 */ 5, 0, 0, 0, 0, 7], [2, 3, 2]);
        // argmaxes: [0, 0] → class 2 (values 0, 1, 2), [0, 1] → class 0 (9, 0, 0), [1, 0] → 0 (5, 0, 0), [1, 1] → 2 (0, 0, 7)
        Assert.Equal(4, new SoftmaxHead().CountCorrect(logits, [2, 0, 0, 2]));
        Assert.Equal(2, new SoftmaxHead().CountCorrect(logits, [2, 1, 1, 2]));
        Assert.Equal(1, new SoftmaxHead().CountCorrect(Tensor.FromArray([0f, 3, 1]), [1]));
    }

    [Fact]
    public void Sigmoid_counts_the_samples_whose_every_output_is_predicted_right()
    {
        var logits = Tensor.FromArray(new float[,]
        {
            { 2, -1 },      // predicts 1, 0
            { 0.5f, 0.5f }, // predicts 1, 1
            { -3, -0.1f },  // predicts 0, 0
            { 0, 1e-9f },   // σ(0) = 0.5 is not above 0.5; σ(1e-9) rounds to 0.5 in float: predicts 0, 0, as Predict
        });
        var targets = Tensor.FromArray(new float[,] { { 1, 0 }, { 1, 0 }, { 0, 0 }, { 0, 0 } });
        var head = new SigmoidHead();
        Assert.Equal(3, head.CountCorrect(logits, targets));                  // row 1 gets its second output wrong
        Assert.Equal(2, head.CountCorrect(logits, targets, threshold: 0.9)); // σ(2) = 0.881 no longer says yes: row 0 is wrong too
        Assert.Equal(1, head.CountCorrect(logits, targets, threshold: 0.3)); // σ(−0.1) = 0.475 and σ(0) = 0.5 now say yes: rows 2, 3 are wrong
        // In float64 σ(1e-9) = 0.5000000002 is above 0.5: row 3 predicts 0, 1 and is wrong, as Predict says.
        Assert.Equal(2, head.CountCorrect(logits.To(DType.Float64), targets.To(DType.Float64)));
    }

    [Fact]
    public void Sigmoid_with_one_output_per_sample_is_plain_accuracy()
    {
        var head = new SigmoidHead();
        Assert.Equal(2, head.CountCorrect(Tensor.FromArray([3f, -2, 0.1f]), Tensor.FromArray([1f, 1, 1])));
        Assert.Equal(1, head.CountCorrect(Tensor.Scalar(-4), Tensor.Scalar(0)));
        Assert.Equal(0, head.CountCorrect(Tensor.Zeros([0, 3]), Tensor.Zeros([0, 3])));
    }

    public static TheoryData<DType> DTypes => new() { DType.Float32, DType.Float64 };

    [Theory]
    [MemberData(nameof(DTypes))]
    public void The_counts_agree_with_Predict_on_random_logits(DType dtype)
    {
        var random = new Generator(31);
        for (int trial = 0; trial < 20; trial++)
        {
            // Logits near 0 too, where σ rounds to exactly 0.5 and the sigmoid head's rule is decided by rounding.
            double scale = trial % 2 == 0 ? 3 : 1e-7;
            var logits = Tensor.Normal([17, 4], 0, scale, random, dtype);
            var labels = new int[17];
            for (int i = 0; i < labels.Length; i++) labels[i] = random.NextInt(4);
            var softmax = new SoftmaxHead();
            int[] predicted = [.. softmax.Predict(logits).To(DType.Float64).ToArray<double>().Select(v => (int)v)];
            Assert.Equal(predicted.Zip(labels).Count(p => p.First == p.Second), softmax.CountCorrect(logits, labels));

            var targets = Tensor.FromArray(Enumerable.Range(0, 68).Select(_ => (double)random.NextInt(2)).ToArray(), [17, 4]).To(dtype);
            var sigmoid = new SigmoidHead();
            foreach (double threshold in new[] { 0.5, 0.2 })
            {
                var decisions = sigmoid.Predict(logits, threshold).To(DType.Float64).ToArray<double>();
                var wanted = targets.To(DType.Float64).ToArray<double>();
                int rowsRight = Enumerable.Range(0, 17).Count(row => Enumerable.Range(0, 4).All(c => decisions[row * 4 + c] == wanted[row * 4 + c]));
                Assert.Equal(rowsRight, sigmoid.CountCorrect(logits, targets, threshold));
            }
        }
    }

    [Fact]
    public void Counting_allocates_nothing_and_records_nothing()
    {
        var logits = Tensor.Randn([64, 10], seed: 41).RequireGrad();
        var labels = new int[64];
        var targets = Tensor.Zeros([64, 10]);
        var (softmax, sigmoid) = (new SoftmaxHead(), new SigmoidHead());
        var rows = new[] { softmax.CountCorrect(logits, labels), sigmoid.CountCorrect(logits, targets) }; // warm up
        long fewestBytes = long.MaxValue;
        for (int round = 0; round < 5; round++)
            fewestBytes = Math.Min(fewestBytes, BytesAllocatedBy100Counts(softmax, sigmoid, logits, labels, targets));
        Assert.Equal(0, fewestBytes);
        Assert.True(logits.IsLeaf);
        Assert.Equal(rows[0], softmax.CountCorrect(logits, labels));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long BytesAllocatedBy100Counts(SoftmaxHead softmax, SigmoidHead sigmoid, Tensor logits, int[] labels, Tensor targets)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) _ = softmax.CountCorrect(logits, labels) + sigmoid.CountCorrect(logits, targets);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void The_progress_bar_shows_the_accuracy_of_the_counts_it_was_given()
    {
        var output = new StringWriter();
        var progress = new ProgressBar(output, isTerminal: false);
        var head = new SoftmaxHead();
        progress.Start("epoch 1/1", batchCount: 2);
        var logits = Tensor.FromArray(new float[,] { { 1, 0 }, { 0, 1 }, { 1, 0 }, { 1, 0 } });
        progress.Step(4, 0.5, head.CountCorrect(logits, [0, 1, 1, 1])); // 2 of 4
        progress.Step(4, 0.5, head.CountCorrect(logits, [0, 1, 0, 0])); // 4 of 4
        progress.Finish();
        Assert.Equal(0.75, progress.Accuracy);
        Assert.Contains(" acc 0.7500 ", output.ToString());
    }
}
