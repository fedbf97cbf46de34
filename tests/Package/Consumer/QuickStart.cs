using MiniNet;
using MiniNet.Layers;
using MiniNet.Optim;

/// <summary>The package README's quick start, line for line (tests/Package/check compares them).</summary>
internal static class QuickStart
{
    /// <summary>Runs it and returns the model and its probabilities on the four points.</summary>
    public static float[] Run()
    {
        // Learn XOR: two inputs, one logit, the sigmoid head (binary cross-entropy on logits, fused).
        var x = Tensor.FromArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var y = Tensor.FromArray(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } });
        var model = new Sequential(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2));
        var head = new SigmoidHead();
        var optimizer = new Adam(model.Parameters(), lr: 0.05);

        for (int step = 0; step < 500; step++)
        {
            optimizer.ZeroGrad();
            head.Loss(model.Forward(x), y).Backward();
            optimizer.Step();
        }
        Console.WriteLine(head.Probabilities(model.Forward(x)));   // ≈ [[0], [1], [1], [0]]
        model.Save("xor.safetensors");                            // PyTorch's state_dict names: 0.weight, 0.bias, …
        return head.Probabilities(model.Forward(x)).ToArray<float>();
    }
}
