using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MiniNet.Data;
using MiniNet.Examples.FashionMnist;

namespace MiniNet.Tests.Examples;

/// <summary>examples/FashionMnist run in-process on a slice of the shipped data: its output, its files, its errors.</summary>
public partial class FashionMnistExampleTests
{
    private static readonly string[] Slice = ["--limit", "600", "--epochs", "1", "--batch", "32"]; // 19 steps: a few seconds

    [Fact]
    public void Trains_on_a_slice_and_ends_with_the_test_accuracy_clearly_above_chance()
    {
        using var plots = new TempDirectory();
        var run = Run([.. Slice, "--plots", plots.Path]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Errors);
        double accuracy = LastLineAccuracy(run.Output);
        Assert.InRange(accuracy, 0.5, 1.0); // ten classes: chance is 0.1
        Assert.Contains("Fashion-MNIST: 600 training and 120 test images", run.Output);
        Assert.Matches(@"\n  train loss \d\.\d{4} acc 0\.\d{4} \| test loss \d\.\d{4} acc 0\.\d{4}\n", run.Output);
        Assert.Matches(@"\nweights fingerprint: [0-9a-f]{16} \(the same on every CPU for the same options and seed\)\n", run.Output);
    }

    [Fact]
    public void The_default_mlp_gives_the_weights_it_gave_before_the_cnn_was_added()
    {
        // Printed by the example before --model cnn existed; the CI runs the suite on every SIMD path and on one thread.
        using var plots = new TempDirectory();
        Assert.Equal("weights fingerprint: 9779b6613c03edd1 (the same on every CPU for the same options and seed)", Fingerprint(Run([.. Slice, "--plots", plots.Path]).Output));
    }

    [Fact]
    public void With_monitor_it_prints_the_monitor_table_with_a_row_per_layer_and_the_head()
    {
        using var plots = new TempDirectory();
        var run = Run([.. Slice, "--monitor", "--plots", plots.Path]);
        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Split('\n');
        int title = Array.FindIndex(lines, line => line.StartsWith("training monitor (one step in 100 measured, of 19): step 1", StringComparison.Ordinal));
        Assert.True(title > 0, run.Output);
        Assert.Equal(["layer", "kind", "grad", "norm", "update/weight", "act", "mean", "act", "std", "saturated", "dead"],
            lines[title + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        // 784-512-256-10 with ReLU and (p = 0) Dropout after each hidden layer: seven layers, named as in the Sequential.
        Assert.Equal(["0 Dense", "1 ReLU", "2 Dropout", "3 Dense", "4 ReLU", "5 Dropout", "6 Dense"],
            lines[(title + 2)..(title + 9)].Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2])));
        Assert.StartsWith("head (softmax cross-entropy): ", lines[title + 9], StringComparison.Ordinal);
        Assert.Matches(@"\| (dead \d+% @\d)", run.Output); // the monitor's status on the progress bar
    }

    [Fact]
    public void Prints_the_confusion_matrix_with_the_class_names_and_counts_that_add_up_to_the_test_images()
    {
        using var plots = new TempDirectory();
        var lines = Run([.. Slice, "--plots", plots.Path]).Output.Split('\n');

        int header = Array.FindIndex(lines, line => line.StartsWith(@"true \ predicted", StringComparison.Ordinal));
        Assert.True(header > 0, "no confusion matrix in the output");
        foreach (var name in FashionMnist.ClassNames) Assert.Contains(name, lines[header]);
        int total = 0, diagonal = 0;
        for (int row = 0; row < FashionMnist.ClassCount; row++)
        {
            string line = lines[header + 1 + row], name = FashionMnist.ClassNames[row];
            Assert.StartsWith(name, line);
            var counts = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            Assert.Equal(FashionMnist.ClassCount, counts.Length);
            total += counts.Sum();
            diagonal += counts[row];
        }
        Assert.Equal(120, total);
        Assert.Equal(LastLineAccuracy(string.Join('\n', lines)), diagonal / 120.0, 4);
    }

    [Fact]
    public void With_digits_the_classes_are_named_0_to_9_as_in_the_original_MNIST()
    {
        using var plots = new TempDirectory();
        string output = Run([.. Slice, "--digits", "--plots", plots.Path]).Output;

        Assert.StartsWith("MNIST: 600 training and 120 test images", output);
        string header = output.Split('\n').Single(line => line.StartsWith(@"true \ predicted", StringComparison.Ordinal));
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], header[@"true \ predicted".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Trouser", output);
        Assert.DoesNotContain("Trouser", File.ReadAllText(plots.File("confusion.svg")));
    }

    [Fact]
    public void Writes_the_training_curves_and_the_confusion_heat_map_as_well_formed_svg()
    {
        using var plots = new TempDirectory();
        var run = Run([.. Slice, "--plots", plots.Path]);

        Assert.Equal(["confusion.svg", "training.svg"], plots.FileNames().Order());
        foreach (var file in new[] { "training.svg", "confusion.svg" })
        {
            var svg = XDocument.Load(plots.File(file));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            Assert.Contains(plots.File(file), run.Output); // the output says where it wrote them
        }
        string curves = File.ReadAllText(plots.File("training.svg"));
        foreach (var text in new[] { "Loss", "Accuracy", "train", "test", "epoch" }) Assert.Contains(text, curves);
        string heatMap = File.ReadAllText(plots.File("confusion.svg"));
        foreach (var name in FashionMnist.ClassNames) Assert.Contains(System.Security.SecurityElement.Escape(name), heatMap);
    }

    [Fact]
    public void The_same_seed_gives_the_same_output_except_for_timings()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        string a = WithoutTimings(Run([.. Slice, "--dropout", "0.3", "--plots", first.Path]).Output.Replace(first.Path, "DIR"));
        string b = WithoutTimings(Run([.. Slice, "--dropout", "0.3", "--plots", second.Path]).Output.Replace(second.Path, "DIR"));
        Assert.Equal(a, b);
        Assert.Equal(File.ReadAllText(first.File("training.svg")), File.ReadAllText(second.File("training.svg")));

        using var third = new TempDirectory();
        string other = WithoutTimings(Run([.. Slice, "--dropout", "0.3", "--seed", "7", "--plots", third.Path]).Output.Replace(third.Path, "DIR"));
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void A_saved_model_loads_and_gives_the_same_test_accuracy()
    {
        using var files = new TempDirectory();
        string model = files.File("model.safetensors");
        var trained = Run([.. Slice, "--hidden", "32", "16", "--save", model, "--plots", files.Path]);
        Assert.Equal(0, trained.ExitCode);
        Assert.Contains($"saved the model to {model}", trained.Output);

        var loaded = Run(["--load", model, "--hidden", "32", "16", "--limit", "600", "--plots", files.Path]);
        Assert.Equal(0, loaded.ExitCode);
        Assert.Equal(LastLine(trained.Output), LastLine(loaded.Output));
        Assert.Contains("recorded in the file", loaded.Output); // the training images' standardisation came with the model
        Assert.DoesNotContain("epoch", loaded.Output);
    }

    [Fact]
    public void A_run_resumed_from_its_epoch_1_checkpoint_ends_as_the_run_that_never_stopped()
    {
        using var files = new TempDirectory();
        string checkpoints = files.File("checkpoints");
        string[] recipe = ["--limit", "600", "--epochs", "2", "--batch", "32", "--hidden", "64", "--dropout", "0.2", "--plots", files.Path];
        var uninterrupted = Run(recipe);

        var checkpointed = Run([.. recipe, "--checkpoint", checkpoints]);
        Assert.Equal(0, checkpointed.ExitCode);
        Assert.Equal(["epoch-1.safetensors", "epoch-2.safetensors", "recipe.txt"], Directory.GetFiles(checkpoints).Select(Path.GetFileName).Order());
        File.Delete(Path.Combine(checkpoints, "epoch-2.safetensors")); // as if the run had died during epoch 2
        var resumed = Run([.. recipe, "--checkpoint", checkpoints, "--resume"]);

        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains($"resumed from {Path.Combine(checkpoints, "epoch-1.safetensors")}: 1 epoch of 2 done", resumed.Output);
        Assert.DoesNotContain("epoch 1/2", resumed.Output);
        Assert.Equal(LastLine(uninterrupted.Output), LastLine(resumed.Output));
        Assert.Equal(Fingerprint(uninterrupted.Output), Fingerprint(resumed.Output)); // the same weights, bit for bit
        Assert.Equal(Fingerprint(uninterrupted.Output), Fingerprint(checkpointed.Output));
        Assert.True(File.Exists(Path.Combine(checkpoints, "epoch-2.safetensors")));
    }

    [Fact]
    public void Resuming_with_other_options_is_refused_with_the_difference()
    {
        using var files = new TempDirectory();
        string checkpoints = files.File("checkpoints");
        string[] recipe = ["--limit", "600", "--epochs", "1", "--batch", "32", "--hidden", "16", "--plots", files.Path, "--checkpoint", checkpoints];
        Assert.Equal(0, Run(recipe).ExitCode);

        var otherRate = Run([.. recipe, "--resume", "--lr", "0.01"]);
        Assert.Equal(1, otherRate.ExitCode);
        Assert.Contains("--resume: the checkpoints in", otherRate.Errors);
        Assert.Contains("were made with other options (--lr 0.001 then, --lr 0.01 now)", otherRate.Errors);

        var longer = Run([.. recipe[..3], "2", .. recipe[4..], "--resume"]); // the cosine schedule's T_max grows with --epochs
        Assert.Equal(1, longer.ExitCode);
        Assert.Contains("epoch-1.safetensors' does not fit what it is loaded into:", longer.Errors);
        Assert.Contains("schedule: T_max is 19 in the state, and 38 in this schedule", longer.Errors);

        var empty = Run([.. recipe[..^1], files.File("empty"), "--resume"]);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("the checkpoint folder", empty.Errors);

        string recipeFile = Path.Combine(checkpoints, "recipe.txt");
        File.WriteAllLines(recipeFile, File.ReadAllLines(recipeFile)[..^1]); // as written before --model existed
        var older = Run([.. recipe, "--resume"]);
        Assert.Equal(1, older.ExitCode);
        Assert.Contains("were made with other options (--model mlp now, not recorded then)", older.Errors);
    }

    [Fact]
    public void Loading_into_other_hidden_sizes_fails_with_the_loaders_list_of_mismatches()
    {
        using var files = new TempDirectory();
        string model = files.File("model.safetensors");
        Assert.Equal(0, Run([.. Slice, "--hidden", "32", "--save", model, "--plots", files.Path]).ExitCode);

        var wrongWidth = Run(["--load", model, "--hidden", "64", "--limit", "600", "--plots", files.Path]);
        Assert.Equal(1, wrongWidth.ExitCode);
        Assert.Contains("does not fit the model", wrongWidth.Errors);
        Assert.Contains("'0.weight' is [32, 784] F32 in the file but [64, 784] F32 in the model", wrongWidth.Errors);

        var extraLayer = Run(["--load", model, "--hidden", "32", "32", "--limit", "600", "--plots", files.Path]);
        Assert.Equal(1, extraLayer.ExitCode);
        Assert.Contains("missing from the file: '6.weight', '6.bias'", extraLayer.Errors);
        Assert.DoesNotContain("test accuracy", extraLayer.Output);
    }

    [Theory]
    [InlineData("--epochs 0", "--epochs expects a whole number ≥ 1, got '0'")]
    [InlineData("--optimizer rmsprop", "--optimizer expects one of sgd, adam, adamw, got 'rmsprop'")]
    [InlineData("--hidden", "--hidden expects one or more whole numbers")]
    [InlineData("--hidden 128 0", "--hidden expects whole numbers ≥ 1, got '0'")]
    [InlineData("--lr fast", "--lr expects a number ≥ 0, got 'fast'")]
    [InlineData("--lr 0", "--lr must be positive")]
    [InlineData("--dropout 1", "--dropout expects a probability in [0, 1), got 1")]
    [InlineData("--validation 1.5", "--validation expects a fraction in [0, 1), got 1.5")]
    [InlineData("--momentum 0.5", "--momentum applies to --optimizer sgd only")]
    [InlineData("--schedule step", "--schedule expects one of cosine, none, got 'step'")]
    [InlineData("--label-smoothing 1.5", "--label-smoothing expects a value in [0, 1], got 1.5")]
    [InlineData("--load m.safetensors --epochs 3", "--epochs shapes training, and --load trains nothing")]
    [InlineData("--load m.safetensors --save n.safetensors", "--save and --load do not go together")]
    [InlineData("--load m.safetensors --checkpoint dir", "--checkpoint shapes training, and --load trains nothing")]
    [InlineData("--resume", "--resume continues from the checkpoints of --checkpoint DIR")]
    [InlineData("--load m.safetensors --monitor", "--monitor shapes training, and --load trains nothing")]
    [InlineData("--limit 3", "--limit expects a whole number ≥ 5, got '3'")]
    [InlineData("--model rnn", "--model expects one of mlp, cnn, got 'rnn'")]
    [InlineData("--model cnn --hidden 64", "--hidden shapes the mlp; the cnn's layers are fixed (see --model): drop --hidden")]
    [InlineData("--model cnn --dropout 0.2", "--dropout shapes the mlp; the cnn's layers are fixed (see --model): drop --dropout")]
    [InlineData("--learning-rate 0.1", "unknown option --learning-rate")]
    [InlineData("--epochs 3 --epochs 4", "option --epochs is given twice")]
    [InlineData("epochs 3", "unexpected argument 'epochs'")]
    public void Bad_options_are_refused_with_a_message_that_says_why_and_the_usage(string arguments, string message)
    {
        var run = Run(arguments.Split(' '));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.StartsWith("error: ", run.Errors);
        Assert.Contains(message, run.Errors);
        Assert.Contains("usage: dotnet run -c Release --project examples/FashionMnist", run.Errors);
    }

    [Fact]
    public void A_data_folder_that_does_not_exist_is_an_error_naming_it()
    {
        var run = Run(["--data", "/no/such/folder"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the folder '/no/such/folder' does not exist", run.Errors);
    }

    [Fact]
    public void A_validation_share_too_small_to_hold_an_image_is_an_error()
    {
        var run = Run(["--limit", "5", "--validation", "0.1"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--validation 0.1 splits the 5 training images into 5 to train on and 0 to validate on; both need some", run.Errors);
    }

    [Fact]
    public void Help_prints_every_option()
    {
        var run = Run(["--help"]);
        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--data", "--limit", "--validation", "--digits", "--normalize", "--model", "--hidden", "--dropout", "--epochs", "--batch", "--optimizer",
                     "--lr", "--momentum", "--weight-decay", "--label-smoothing", "--schedule", "--seed", "--save", "--load", "--plots" })
            Assert.Contains(option + " ", run.Output);
    }

    internal sealed record Result(int ExitCode, string Output, string Errors);

    internal static Result Run(string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var errors = new StringWriter { NewLine = "\n" };
        int exitCode = FashionMnistExample.Run(args, output, errors);
        return new Result(exitCode, output.ToString(), errors.ToString());
    }

    internal static string LastLine(string output) => output.TrimEnd('\n').Split('\n')[^1];

    internal static string Fingerprint(string output) => output.Split('\n').Single(line => line.StartsWith("weights fingerprint: ", StringComparison.Ordinal));

    /// <summary>The value of the last line, which must be exactly <c>test accuracy: 0.XXXX</c>.</summary>
    internal static double LastLineAccuracy(string output)
    {
        var match = AccuracyLine().Match(LastLine(output));
        Assert.True(match.Success, $"the last line is '{LastLine(output)}', not 'test accuracy: 0.XXXX'");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The output with every measured time and rate replaced by a placeholder.</summary>
    private static string WithoutTimings(string output) => Timing().Replace(output, "#");

    [GeneratedRegex(@"^test accuracy: (0\.\d{4})$")]
    private static partial Regex AccuracyLine();

    [GeneratedRegex(@"\d+(\.\d+)? ?(samples/s|s\b)|ETA \d+:\d\d|\d+%")]
    private static partial Regex Timing();
}
