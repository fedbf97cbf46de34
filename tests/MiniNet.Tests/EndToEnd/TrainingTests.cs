using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Tests.EndToEnd;

/// <summary>Small problems trained end to end from a fixed seed, one per head.</summary>
public class TrainingTests
{
    [Fact]
    public void Xor_with_a_sigmoid_head_reaches_100_percent()
    {
        var inputs = Tensor.FromArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var targets = Tensor.FromArray(new float[] { 0, 1, 1, 0 }, [4, 1]);
        var model = new Sequential(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2));
        var head = new SigmoidHead();
        var optimizer = new Adam(model.Parameters(), lr: 0.05);
        double loss = double.NaN;
        for (int step = 0; step < 300; step++)
        {
            optimizer.ZeroGrad();
            var l = head.Loss(model.Forward(inputs), targets);
            l.Backward();
            optimizer.Step();
            loss = l.Item();
        }
        using (Tape.NoGrad())
            Assert.Equal([0f, 1f, 1f, 0f], head.Predict(model.Forward(inputs)).ToArray<float>());
        Assert.True(loss < 0.05, $"final loss {loss}");
    }

    [Fact]
    public void Three_class_spiral_with_a_softmax_head_reaches_at_least_95_percent()
    {
        var (points, labels) = Spiral(pointsPerClass: 100, classes: 3, new Generator(7));
        var model = new Sequential(new Dense(2, 64, seed: 1), new ReLU(), new Dense(64, 64, seed: 2), new ReLU(), new Dense(64, 3, seed: 3));
        var head = new SoftmaxHead();
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        for (int step = 0; step < 500; step++)
        {
            optimizer.ZeroGrad();
            head.Loss(model.Forward(points), labels).Backward();
            optimizer.Step();
        }
        double accuracy;
        using (Tape.NoGrad()) accuracy = head.Accuracy(model.Forward(points), labels);
        Assert.True(accuracy >= 0.95, $"training accuracy {accuracy:P1}");
    }

    [Fact]
    public void Training_is_bit_identical_from_the_same_seed()
    {
        float[] Train()
        {
            var (points, labels) = Spiral(pointsPerClass: 20, classes: 3, new Generator(1));
            var model = new Sequential(new Dense(2, 16, seed: 4), new ReLU(), new Dropout(0.1, seed: 5), new Dense(16, 3, seed: 6));
            var optimizer = new Sgd(model.Parameters(), lr: 0.1, momentum: 0.9);
            for (int step = 0; step < 20; step++)
            {
                optimizer.ZeroGrad();
                Losses.SoftmaxCrossEntropy(model.Forward(points), labels).Backward();
                optimizer.Step();
            }
            return model.Parameters().SelectMany(p => p.ToArray<float>()).ToArray();
        }

        Assert.Equal(Train(), Train());
    }

    /// <summary>CS231n's spiral: each class an arm of noisy points winding out from the origin.</summary>
    internal static (Tensor Points, int[] Labels) Spiral(int pointsPerClass, int classes, Generator generator)
    {
        var points = new float[pointsPerClass * classes * 2];
        var labels = new int[pointsPerClass * classes];
        for (int c = 0; c < classes; c++)
        for (int i = 0; i < pointsPerClass; i++)
        {
            int row = c * pointsPerClass + i;
            double radius = (double)i / (pointsPerClass - 1);
            double angle = c * 4.0 + radius * 4.0 + generator.NextNormal() * 0.2;
            points[2 * row] = (float)(radius * Math.Sin(angle));
            points[2 * row + 1] = (float)(radius * Math.Cos(angle));
            labels[row] = c;
        }
        return (Tensor.FromArray(points, [pointsPerClass * classes, 2]), labels);
    }
}
