using System.Xml.Linq;
using MiniNet.Serialization;
using static MiniNet.Tests.Examples.FashionMnistExampleTests;

namespace MiniNet.Tests.Examples;

/// <summary>One run of <c>examples/FashionMnist --model cnn</c> on a slice of the shipped data, saved, shared by the tests that read it.</summary>
public sealed class FashionMnistCnnSliceRun : IDisposable
{
    public FashionMnistCnnSliceRun()
    {
        Model = Files.File("cnn.safetensors");
        Trained = Run(["--model", "cnn", "--limit", "320", "--epochs", "1", "--batch", "32", "--save", Model, "--plots", Files.Path]); // 10 steps
    }

    internal TempDirectory Files { get; } = new();

    internal string Model { get; }

    internal Result Trained { get; }

    public void Dispose() => Files.Dispose();
}

/// <summary>examples/FashionMnist with --model cnn, as the CI runs it: a slice of the data, the last line parsed, the SVGs checked, the file it saves.</summary>
public class FashionMnistCnnTests(FashionMnistCnnSliceRun run) : IClassFixture<FashionMnistCnnSliceRun>
{
    [Fact]
    public void Trains_on_a_slice_and_ends_with_the_test_accuracy_clearly_above_chance()
    {
        Assert.Equal(0, run.Trained.ExitCode);
        Assert.Equal("", run.Trained.Errors);
        Assert.InRange(LastLineAccuracy(run.Trained.Output), 0.4, 1.0); // ten classes: chance is 0.1
        Assert.Contains("Fashion-MNIST: 320 training and 64 test images", run.Trained.Output);
        Assert.Matches(@"\n  train loss \d\.\d{4} acc 0\.\d{4} \| test loss \d\.\d{4} acc 0\.\d{4}\n", run.Trained.Output);
    }

    [Fact]
    public void Describes_the_benchmarks_network_and_training()
    {
        // 32·1·3·3 + 32, 64·32·3·3 + 64, 3136·128 + 128 and 128·10 + 10 (3136 = 64 channels of 7 × 7 after two poolings)
        Assert.Contains("\nmodel: CNN (conv 3x3 32, max pool 2, conv 3x3 64, max pool 2, dense 3136-128-10), ReLU, 421,642 parameters\n", run.Trained.Output);
        Assert.Contains("\ntraining: Adam (lr 0.001), cosine decay to 0, batch 32, seed 0, 1 epoch of 10 batches\n", run.Trained.Output);
    }

    [Fact]
    public void Gives_the_same_weights_on_every_cpu()
    {
        // The CI runs the suite on every SIMD path and on one thread: each must print these bits.
        Assert.Equal("weights fingerprint: a7959cf6058c049c (the same on every CPU for the same options and seed)", Fingerprint(run.Trained.Output));
    }

    [Fact]
    public void Writes_the_training_curves_and_the_confusion_heat_map_as_well_formed_svg()
    {
        foreach (var file in new[] { "training.svg", "confusion.svg" })
        {
            Assert.Equal("svg", XDocument.Load(run.Files.File(file)).Root!.Name.LocalName);
            Assert.Contains($"wrote {run.Files.File(file)}", run.Trained.Output);
        }
        string curves = File.ReadAllText(run.Files.File("training.svg"));
        foreach (var text in new[] { "CNN", "Loss", "Accuracy", "train", "test", "epoch" }) Assert.Contains(text, curves);
    }

    [Fact]
    public void Saves_the_parameters_under_the_names_of_pytorchs_sequential()
    {
        // nn.Sequential(Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d, Flatten, Linear, ReLU, Linear).state_dict()
        var saved = SafeTensors.Load(run.Model);
        Assert.Equal(new Dictionary<string, string>
        {
            ["0.weight"] = "[32, 1, 3, 3]", ["0.bias"] = "[32]", ["3.weight"] = "[64, 32, 3, 3]", ["3.bias"] = "[64]",
            ["7.weight"] = "[128, 3136]", ["7.bias"] = "[128]", ["9.weight"] = "[10, 128]", ["9.bias"] = "[10]",
        }, saved.Tensors.ToDictionary(entry => entry.Key, entry => entry.Value.Shape.ToString()));
        Assert.Equal("MiniNet examples/FashionMnist CNN", saved.Metadata!["format"]); // what load_in_pytorch.py builds from
    }

    [Fact]
    public void A_saved_cnn_loads_and_gives_the_same_test_accuracy()
    {
        var loaded = Run(["--load", run.Model, "--model", "cnn", "--limit", "320", "--plots", run.Files.Path]);
        Assert.Equal(0, loaded.ExitCode);
        Assert.Contains("model: CNN (conv 3x3 32, max pool 2, conv 3x3 64, max pool 2, dense 3136-128-10) loaded from", loaded.Output);
        Assert.Equal(LastLine(run.Trained.Output), LastLine(loaded.Output));

        var asMlp = Run(["--load", run.Model, "--limit", "320", "--plots", run.Files.Path]); // --model cnn forgotten
        Assert.Equal(1, asMlp.ExitCode);
        Assert.Contains("'0.weight' is [32, 1, 3, 3] F32 in the file but [512, 784] F32 in the model", asMlp.Errors);
    }

    [Fact]
    public void A_run_resumed_from_its_epoch_1_checkpoint_ends_as_the_run_that_never_stopped()
    {
        using var files = new TempDirectory();
        string checkpoints = files.File("checkpoints");
        string[] recipe = ["--model", "cnn", "--limit", "64", "--epochs", "2", "--batch", "32", "--plots", files.Path]; // 2 steps an epoch
        var uninterrupted = Run(recipe);

        Assert.Equal(0, Run([.. recipe, "--checkpoint", checkpoints]).ExitCode);
        File.Delete(Path.Combine(checkpoints, "epoch-2.safetensors")); // as if the run had died during epoch 2
        var resumed = Run([.. recipe, "--checkpoint", checkpoints, "--resume"]);

        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("1 epoch of 2 done", resumed.Output);
        Assert.Equal(Fingerprint(uninterrupted.Output), Fingerprint(resumed.Output)); // the weights and Adam's moments came back, bit for bit
        Assert.Contains("--model cnn", File.ReadAllText(Path.Combine(checkpoints, "recipe.txt")));
    }
}
