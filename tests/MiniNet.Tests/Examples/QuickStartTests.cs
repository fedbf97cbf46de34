using System.Globalization;
using System.Reflection;
using MiniNet.Tests.Data;

namespace MiniNet.Tests.Examples;

/// <summary>The README's quick start and "Which head?" code, run as the program they are (examples/QuickStart).</summary>
[Collection(ConsoleCollection.Name)]
public class QuickStartTests
{
    [Fact]
    public void Quick_start_trains_to_above_80_percent_and_the_head_examples_print_what_the_README_says()
    {
        var entry = Assembly.Load("QuickStart").EntryPoint!;
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            entry.Invoke(null, [new[] { ShippedSubsetTests.ShippedDirectory() }]);
        }
        finally
        {
            Console.SetOut(original);
        }
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("test accuracy: ", lines[0]);
        double accuracy = double.Parse(lines[0]["test accuracy: ".Length..], CultureInfo.InvariantCulture);
        Assert.InRange(accuracy, 0.80, 1.0);
        Assert.Equal("softmax: loss 0.1755, predicted classes [0, 2]", lines[1]);
        Assert.Equal("sigmoid: loss 0.2152, predicted labels [1, 0, 1, 0, 1, 1]", lines[2]);
        Assert.Contains("use the sigmoid head", lines[3]);
    }
}

/// <summary>Tests that redirect the process-wide console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}

public class ReadmeSnippetTests
{
    [Fact]
    public void Tensors_and_tape_snippet_fills_both_gradients()
    {
        var (x, w) = ReadmeSnippets.TensorsAndTape();
        Assert.Equal(x.Shape, x.Grad!.Shape);
        Assert.Equal(w.Shape, w.Grad!.Shape);
        Assert.Contains(w.Grad.ToArray<float>(), g => g != 0);
    }

    [Fact]
    public void Your_own_data_snippet_batches_the_computed_squares_and_reports_the_accuracy_it_counted()
    {
        var log = new StringWriter();
        var (firstBatch, accuracy) = ReadmeSnippets.YourOwnData(log);
        Assert.Equal([0f, 1e-4f, 4e-4f, 9e-4f], firstBatch);
        Assert.Equal(RecountedAccuracy(), accuracy);
        Assert.Contains($" acc {accuracy.ToString("0.0000", CultureInfo.InvariantCulture)} ", log.ToString());
    }

    /// <summary>The snippet's training pass again, counting each batch's right answers with ArgMax instead of CountCorrect.</summary>
    private static double RecountedAccuracy()
    {
        var labels = Enumerable.Range(0, 256).Select(i => i % 10).ToArray();
        var model = new MiniNet.Layers.Sequential(new MiniNet.Layers.Flatten(), new MiniNet.Layers.Dense(784, 10, seed: 3));
        var optimizer = new MiniNet.Optim.Adam(model.Parameters(), lr: 1e-3);
        var images = new MiniNet.Data.TensorDataset(Tensor.Randn([256, 1, 28, 28], seed: 1), labels, classCount: 10);
        int correct = 0;
        foreach (var batch in new MiniNet.Data.DataLoader(images, batchSize: 32, shuffle: true, generator: new Generator(2)))
        {
            var logits = model.Forward(batch.Features);
            var loss = Losses.SoftmaxCrossEntropy(logits, batch.Labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            correct += logits.ArgMax(1).Zip(batch.Labels).Count(pair => pair.First == pair.Second);
        }
        return correct / 256.0;
    }

    [Fact]
    public void Gradient_check_snippet_passes()
    {
        var result = ReadmeSnippets.GradientCheck();
        Assert.True(result.Passed, result.Report);
    }
}
