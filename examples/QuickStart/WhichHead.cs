using MiniNet;

/// <summary>The README's "Which head?" examples: one model output, two kinds of question.</summary>
internal static class WhichHead
{
    public static void Show()
    {
        // Softmax head: each example belongs to exactly one of C classes.
        var logits = Tensor.FromArray(new float[,] { { 2.0f, 0.5f, -1.0f }, { 0.1f, 0.2f, 3.0f } }).RequireGrad();
        var softmax = new SoftmaxHead();
        var loss = softmax.Loss(logits, [0, 2]);           // class indices
        loss.Backward();                                    // logits.Grad = (softmax(z) − onehot) / 2
        Console.WriteLine($"softmax: loss {loss.Item():0.0000}, predicted classes [{string.Join(", ", softmax.Predict(logits).ToArray<float>())}]");

        // Sigmoid head: each example may have any number of C labels (multi-label).
        var tagLogits = Tensor.FromArray(new float[,] { { 2.0f, -1.0f, 0.5f }, { -2.0f, 1.5f, 3.0f } }).RequireGrad();
        var tags = Tensor.FromArray(new float[,] { { 1, 0, 1 }, { 0, 1, 1 } }); // two labels set in each row
        var sigmoid = new SigmoidHead();
        var tagLoss = sigmoid.Loss(tagLogits, tags);
        tagLoss.Backward();                                 // tagLogits.Grad = (σ(z) − y) / 6
        float[] predicted = sigmoid.Predict(tagLogits).ToArray<float>();  // 0/1 per label, threshold 0.5
        Console.WriteLine($"sigmoid: loss {tagLoss.Item():0.0000}, predicted labels [{string.Join(", ", predicted)}]");

        // The softmax head refuses multi-hot targets, and says which head to use instead.
        try
        {
            softmax.Loss(tagLogits, tags);
        }
        catch (ArgumentException error)
        {
            Console.WriteLine($"softmax with multi-hot targets: {error.Message}");
        }
    }
}
