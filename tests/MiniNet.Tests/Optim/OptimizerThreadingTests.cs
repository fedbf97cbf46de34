using MiniNet.Optim;

namespace MiniNet.Tests.Optim;

/// <summary>
/// An update of a parameter large enough to be split across the kernel threads gives the same bits as on one thread,
/// for every optimiser and its stateful options, float and double — three steps, so the states carry over
/// (<see cref="SplitCheck"/>).
/// </summary>
public class OptimizerThreadingTests
{
    private const int Elements = 300_001; // above the split threshold, and not a whole number of blocks or vectors

    public static TheoryData<string, DType> Cases()
    {
        var data = new TheoryData<string, DType>();
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (var name in new[] { "sgd momentum nesterov decay", "adam amsgrad decay", "adamw", "rmsprop centered momentum" })
                data.Add(name, dtype);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_split_update_changes_no_bit(string name, DType dtype)
    {
        var start = Tensor.Randn([Elements], seed: 21).To(dtype);
        var gradients = new[] { Tensor.Randn([Elements], seed: 22).To(dtype), Tensor.Randn([Elements], seed: 23).To(dtype), Tensor.Randn([Elements], seed: 24).To(dtype) };

        SplitCheck.SameBitsOnOneAndSeveralThreads(() =>
        {
            var parameter = start.Clone().RequireGrad();
            Optimizer optimizer = name switch
            {
                "sgd momentum nesterov decay" => new Sgd([parameter], lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01),
                "adam amsgrad decay" => new Adam([parameter], lr: 0.01, weightDecay: 0.01, amsgrad: true),
                "adamw" => new AdamW([parameter], lr: 0.01),
                _ => new RmsProp([parameter], lr: 0.01, momentum: 0.5, centered: true),
            };
            foreach (var gradient in gradients)
            {
                parameter.Grad = gradient.Clone();
                optimizer.Step();
            }
            return [parameter.Detach()];
        });
    }
}
