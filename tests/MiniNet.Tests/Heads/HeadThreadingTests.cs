namespace MiniNet.Tests.Heads;

/// <summary>
/// The softmax head, large enough to split its rows across threads, gives the same bits — loss and gradients — as on
/// one thread, with every kind of target and option (<see cref="SplitCheck"/>).
/// </summary>
public class HeadThreadingTests
{
    private const int Rows = 1536, Classes = 100; // 153,600 logits: above RowJob's threshold

    public static TheoryData<string, DType> Cases()
    {
        var data = new TheoryData<string, DType>();
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (var name in new[] { "labels", "labels weighted smoothed ignored", "labels none", "probabilities weighted smoothed" })
                data.Add(name, dtype);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Softmax_cross_entropy_splits_rows_without_changing_a_bit(string name, DType dtype)
    {
        var logits = (Tensor.Randn([Rows, Classes], seed: 7) * 3).To(dtype);
        var labels = new int[Rows];
        for (int r = 0; r < Rows; r++) labels[r] = (r * 37) % Classes;
        var weight = (Tensor.Rand([Classes], seed: 8) + 0.5).To(dtype);
        var probabilities = Tensor.Rand([Rows, Classes], seed: 9).To(dtype).Softmax(1);
        if (name.Contains("ignored")) for (int r = 0; r < Rows; r += 5) labels[r] = -100;

        SplitCheck.SameBitsOnOneAndSeveralThreads(() =>
        {
            var z = logits.Detach().RequireGrad();
            Tensor loss = name switch
            {
                "labels" => Losses.SoftmaxCrossEntropy(z, labels),
                "labels weighted smoothed ignored" => Losses.SoftmaxCrossEntropy(z, labels, weight, labelSmoothing: 0.1),
                "labels none" => Losses.SoftmaxCrossEntropy(z, labels, reduction: Reduction.None),
                _ => Losses.SoftmaxCrossEntropy(z, probabilities, weight, labelSmoothing: 0.2),
            };
            (loss.Rank == 0 ? loss : (loss * Tensor.Rand(loss.Shape.ToArray(), seed: 10).To(dtype)).Sum()).Backward();
            return [loss, z.Grad!];
        });
    }
}
