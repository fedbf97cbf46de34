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
    public void Gradient_check_snippet_passes()
    {
        var result = ReadmeSnippets.GradientCheck();
        Assert.True(result.Passed, result.Report);
    }
}
