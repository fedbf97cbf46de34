using MiniNet;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Reporting;

/// <summary>The README's other code, kept here so that it compiles and runs (the tests call these).</summary>
public static class ReadmeSnippets
{
    public static (Tensor X, Tensor W) TensorsAndTape()
    {
        var x = Tensor.Randn([3, 4], seed: 1).RequireGrad();      // float32; DType.Float64 for gradient checks
        var w = Tensor.Randn([4, 2], seed: 2).RequireGrad();
        var loss = (x.MatMul(w).Relu() + 1.0).Pow(2).Mean();
        loss.Backward();                                           // x.Grad, w.Grad: ∂loss/∂x, ∂loss/∂w
        return (x, w);
    }

    /// <summary>"Your own data": a computed source, then a TensorDataset of images trained with the progress bar's accuracy.</summary>
    public static (float[] FirstBatch, double Accuracy) YourOwnData(TextWriter log)
    {
        var firstBatch = new DataLoader(new Squares(100), batchSize: 4).First().Targets.ToArray<float>();

        var labels = Enumerable.Range(0, 256).Select(i => i % 10).ToArray();
        var model = new Sequential(new Flatten(), new Dense(784, 10, seed: 3));
        var head = new SoftmaxHead();
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        var progress = new ProgressBar(log, isTerminal: false);

        var images = new TensorDataset(Tensor.Randn([256, 1, 28, 28], seed: 1), labels, classCount: 10);  // [N, …] features, int labels
        var loader = new DataLoader(images, batchSize: 32, shuffle: true, generator: new Generator(2));
        progress.Start("epoch 1/1", loader.BatchCount);
        foreach (var batch in loader)                                       // batch.Features: [32, 1, 28, 28]
        {
            var logits = model.Forward(batch.Features);
            var loss = head.Loss(logits, batch.Labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            progress.Step(batch.Size, loss.Item(), head.CountCorrect(logits, batch.Labels));  // accuracy from these logits
        }
        progress.Finish();
        return (firstBatch, progress.Accuracy);
    }

    private sealed class Squares(int count) : IDataset     // x ↦ x², computed when a batch asks for it
    {
        public int Count => count;
        public Shape FeatureShape => [1];
        public int ClassCount => 0;                             // float targets (Batch.Targets), not class labels
        public Shape TargetShape => [1];

        public void CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
        {
            for (int k = 0; k < indices.Length; k++) (features[k], targets[k]) = (indices[k] / 100f, indices[k] * indices[k] / 1e4f);
        }
    }

    public static GradCheckResult GradientCheck()
    {
        var a = Tensor.Randn([3, 4], seed: 1, DType.Float64).RequireGrad();
        var b = Tensor.Randn([4, 2], seed: 2, DType.Float64).RequireGrad();
        GradCheck.Assert(xs => xs[0].MatMul(xs[1]).Tanh(), [a, b]);   // throws GradCheckException with the report on failure

        var model = new Sequential(new Dense(4, 8, seed: 3), new GELU(), new Dense(8, 2, seed: 4)).To(DType.Float64);
        var x = Tensor.Randn([5, 4], seed: 5, DType.Float64).RequireGrad();
        return GradCheck.Run(xs => model.Forward(xs[0]), [x, .. model.Parameters()]);  // or inspect the result
    }
}
