using System.Text.Json;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Serialization;
using MiniNet.Tests.Optim;

namespace MiniNet.Tests.Serialization;

/// <summary>
/// Checkpoint.Save/Load: stopping after epoch 2 of 4 and resuming from the file, in objects built afresh, gives the
/// weights of a run that never stopped, bit for bit; the file's layout; and files that do not fit.
/// </summary>
public class CheckpointTests
{
    /// <summary>37 samples of 4 features in 3 classes: batches of 8 leave a partial one, and shuffling reorders them every epoch.</summary>
    private static readonly LabeledDataset Data = MakeData();

    /// <summary>Everything one training run builds; <see cref="Build"/> makes the same objects for the same seed.</summary>
    private sealed record Run(Sequential Model, Optimizer Optimizer, LrScheduler Schedule, DataLoader Loader, Generator Shuffles, Generator DropoutMasks);

    public static TheoryData<string> Recipes() =>
    [
        "sgd with momentum, step decay",
        "adam with amsgrad, cosine",
        "adamw, warm-up then exponential",
        "rmsprop centred with momentum, linear",
    ];

    private static Run Build(string recipe, ulong seed)
    {
        var random = new Generator(seed);
        Generator initialisation = random.Fork(), dropoutMasks = random.Fork(), shuffles = random.Fork();
        var model = new Sequential(new Dense(4, 8, generator: initialisation), new ReLU(), new Dropout(0.25, generator: dropoutMasks),
            new Dense(8, 3, generator: initialisation));
        var loader = new DataLoader(Data, batchSize: 8, shuffle: true, generator: shuffles);
        Optimizer optimizer = recipe switch
        {
            "sgd with momentum, step decay" => new Sgd(model.Parameters(), lr: 0.1, momentum: 0.9, weightDecay: 1e-3),
            "adam with amsgrad, cosine" => new Adam(model.Parameters(), lr: 0.01, amsgrad: true),
            "adamw, warm-up then exponential" => new AdamW(model.Parameters(), lr: 0.01),
            _ => new RmsProp(model.Parameters(), lr: 0.01, momentum: 0.5, centered: true),
        };
        LrScheduler schedule = recipe switch
        {
            "sgd with momentum, step decay" => new StepLr(optimizer, stepSize: 2, gamma: 0.5),
            "adam with amsgrad, cosine" => new CosineAnnealingLr(optimizer, tMax: 4),
            "adamw, warm-up then exponential" => new SequentialLr(optimizer,
                [new LinearLr(optimizer, startFactor: 0.2, totalIters: 3), new ExponentialLr(optimizer, gamma: 0.7)], milestones: [3]),
            _ => new LinearLr(optimizer, startFactor: 0.5, totalIters: 4),
        };
        return new Run(model, optimizer, schedule, loader, shuffles, dropoutMasks);
    }

    /// <summary>Epochs <paramref name="first"/> to <paramref name="last"/>: a step per batch, the schedule's step per epoch.</summary>
    private static void Train(Run run, int first, int last)
    {
        var head = new SoftmaxHead();
        run.Model.Train();
        for (int epoch = first; epoch <= last; epoch++)
        {
            foreach (var batch in run.Loader)
            {
                run.Optimizer.ZeroGrad();
                head.Loss(run.Model.Forward(batch.Features), batch.Labels).Backward();
                run.Optimizer.Step();
            }
            run.Schedule.Step();
        }
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Resuming_after_epoch_2_of_4_gives_the_weights_of_an_uninterrupted_run_bit_for_bit(string recipe)
    {
        using var directory = new TempDirectory();
        string file = directory.File("epoch-2.safetensors");
        var uninterrupted = Build(recipe, seed: 7);
        Train(uninterrupted, 1, 4);

        var stopped = Build(recipe, seed: 7);
        Train(stopped, 1, 2);
        Checkpoint.Save(file, stopped.Model, stopped.Optimizer, stopped.Schedule, epoch: 2, stopped.Shuffles, stopped.DropoutMasks);

        // Everything built afresh, from other seeds: whatever the run needs must come from the file.
        var resumed = Build(recipe, seed: 1234);
        int epoch = Checkpoint.Load(file, resumed.Model, resumed.Optimizer, resumed.Schedule, resumed.Shuffles, resumed.DropoutMasks);
        Assert.Equal(2, epoch);
        Train(resumed, epoch + 1, 4);

        AssertSameWeights(uninterrupted.Model, resumed.Model);
        OptimizerStateTests.AssertSameState(uninterrupted.Optimizer.StateDict(), resumed.Optimizer.StateDict());
        Assert.Equal((4, uninterrupted.Schedule.LastLr), (resumed.Schedule.LastEpoch, resumed.Schedule.LastLr));
        Assert.Equal(uninterrupted.Shuffles.NextUInt64(), resumed.Shuffles.NextUInt64());
    }

    [Fact]
    public void Without_the_loaders_generator_the_resumed_epochs_see_other_orders_and_other_weights()
    {
        // The check above can fail: leave the shuffles out of the checkpoint and the weights differ.
        using var directory = new TempDirectory();
        string file = directory.File("epoch-2.safetensors");
        const string recipe = "adam with amsgrad, cosine";
        var uninterrupted = Build(recipe, seed: 7);
        Train(uninterrupted, 1, 4);
        var stopped = Build(recipe, seed: 7);
        Train(stopped, 1, 2);
        Checkpoint.Save(file, stopped.Model, stopped.Optimizer, stopped.Schedule, 2, stopped.DropoutMasks);
        var resumed = Build(recipe, seed: 7); // the same seed: the shuffles restart from epoch 1's order
        Checkpoint.Load(file, resumed.Model, resumed.Optimizer, resumed.Schedule, resumed.DropoutMasks);
        Train(resumed, 3, 4);

        Assert.NotEqual(Bits(uninterrupted.Model), Bits(resumed.Model));
    }

    [Fact]
    public void The_file_holds_the_model_and_optimiser_tensors_under_PyTorchs_names_and_the_rest_as_metadata()
    {
        using var directory = new TempDirectory();
        string path = directory.File("checkpoint.safetensors");
        var run = Build("adam with amsgrad, cosine", seed: 7);
        Train(run, 1, 1);
        Checkpoint.Save(path, run.Model, run.Optimizer, run.Schedule, 1, run.Shuffles);

        var file = SafeTensors.Load(path);
        Assert.Equal(
            ["model.0.bias", "model.0.weight", "model.3.bias", "model.3.weight",
             .. Enumerable.Range(0, 4).SelectMany(i => new[] { "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step" }.Select(name => $"optimizer.state.{i}.{name}"))],
            file.Tensors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(5.0, file.Tensors["optimizer.state.0.step"].Item()); // 37 samples in batches of 8: 5 steps an epoch
        Assert.Equal(run.Model.StateDict()["3.weight"].ToArray<float>(), file.Tensors["model.3.weight"].ToArray<float>());

        var metadata = file.Metadata!;
        Assert.Equal(["epoch", "generators", "mininet.checkpoint", "optimizer", "schedule"], metadata.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("1", metadata["epoch"]);
        using var optimizer = JsonDocument.Parse(metadata["optimizer"]);
        Assert.Equal("Adam", optimizer.RootElement.GetProperty("kind").GetString());
        var group = optimizer.RootElement.GetProperty("param_groups")[0];
        Assert.Equal([0, 1, 2, 3], group.GetProperty("params").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(run.Optimizer.Lr, group.GetProperty("lr").GetDouble());
        Assert.Equal(0.01, group.GetProperty("initial_lr").GetDouble());
        using var schedule = JsonDocument.Parse(metadata["schedule"]);
        Assert.Equal(("CosineAnnealingLr", 1, 2, 4.0), (schedule.RootElement.GetProperty("kind").GetString(), schedule.RootElement.GetProperty("last_epoch").GetInt32(),
            schedule.RootElement.GetProperty("_step_count").GetInt32(), schedule.RootElement.GetProperty("T_max").GetDouble()));
        using var generators = JsonDocument.Parse(metadata["generators"]);
        var state = run.Shuffles.GetState();
        Assert.Equal([state.S0, state.S1, state.S2, state.S3], generators.RootElement[0].GetProperty("state").EnumerateArray().Select(e => e.GetUInt64()));
    }

    [Fact]
    public void Numbers_in_the_metadata_read_back_to_the_same_bits()
    {
        var random = new Generator(3);
        var values = new List<double> { 0.1, 1.0 / 3, double.Epsilon, double.MaxValue, 1e-300, 5e-324, 0.30000000000000004, -0.0 };
        for (int i = 0; i < 1000; i++) values.Add(BitConverter.Int64BitsToDouble((long)(random.NextUInt64() >> 2))); // finite, positive, any exponent
        var hyperparameters = new Dictionary<string, double>();
        for (int i = 0; i < values.Count; i++) hyperparameters[$"v{i}"] = values[i];
        var state = new OptimizerState("Sgd", new Dictionary<int, IReadOnlyDictionary<string, Tensor>>(), [new ParamGroupState([0], hyperparameters)]);

        var read = CheckpointJson.ReadOptimizer(CheckpointJson.Optimizer(state), new Dictionary<int, IReadOnlyDictionary<string, Tensor>>(),
            (problem, inner) => new InvalidDataException(problem, inner));
        var readValues = read.ParamGroups[0].Hyperparameters.Values.ToArray();
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), readValues.Select(BitConverter.DoubleToInt64Bits));

        var generator = new Generator(9);
        var spares = new List<GeneratorState>();
        for (int i = 0; i < 200; i++)
        {
            generator.NextNormal();
            spares.Add(generator.GetState());
            generator.NextNormal();
        }
        var readSpares = CheckpointJson.ReadGenerators(CheckpointJson.Generators(spares), (problem, inner) => new InvalidDataException(problem, inner));
        Assert.Equal(spares.Select(s => BitConverter.DoubleToInt64Bits(s.SpareNormal!.Value)), readSpares.Select(s => BitConverter.DoubleToInt64Bits(s.SpareNormal!.Value)));
    }

    [Fact]
    public void A_file_that_does_not_fit_is_refused_with_every_mismatch_and_nothing_changes()
    {
        using var directory = new TempDirectory();
        string path = directory.File("checkpoint.safetensors");
        var run = Build("sgd with momentum, step decay", seed: 7);
        Train(run, 1, 1);
        Checkpoint.Save(path, run.Model, run.Optimizer, run.Schedule, 1, run.Shuffles, run.DropoutMasks);

        var model = new Sequential(new Dense(4, 5, seed: 1), new ReLU(), new Dropout(0.25), new Dense(5, 3, seed: 2));
        var before = Bits(model);
        var optimizer = new Adam(model.Parameters());
        var shuffles = new Generator(5);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model, optimizer, null, shuffles));
        Assert.StartsWith($"Checkpoint '{path}' does not fit what it is loaded into:", error.Message);
        Assert.Contains("\n  model: '0.weight' is [8, 4] Float32 in the state but [5, 4] Float32 in the model", error.Message);
        Assert.Contains("\n  optimizer: it is the state of 'Sgd', and this optimiser is Adam", error.Message);
        Assert.Contains("\n  schedule: the file holds a 'StepLr', and none was given", error.Message);
        Assert.Contains("\n  generators: the file holds 2, and 1 were given", error.Message);
        Assert.Equal(before, Bits(model));
        Assert.Equal(new Generator(5).NextUInt64(), shuffles.NextUInt64());
    }

    private static void AssertSameWeights(Module expected, Module actual)
    {
        var resumed = actual.StateDict();
        foreach (var (name, parameter) in expected.StateDict())
            Assert.True(OptimizerStateTests.Bits(parameter).SequenceEqual(OptimizerStateTests.Bits(resumed[name])), $"{name} differs");
    }

    private static long[] Bits(Module model) => [.. model.Parameters().SelectMany(OptimizerStateTests.Bits)];

    private static LabeledDataset MakeData()
    {
        var random = new Generator(11);
        var features = new float[37 * 4];
        for (int i = 0; i < features.Length; i++) features[i] = random.NextSingle() * 2 - 1;
        var labels = new int[37];
        for (int i = 0; i < labels.Length; i++) labels[i] = random.NextInt(3);
        return LabeledDataset.FromArrays(features, labels, [4], classCount: 3);
    }
}
