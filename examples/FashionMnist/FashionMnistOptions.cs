using System.Globalization;

namespace MiniNet.Examples.FashionMnist;

/// <summary>The example's command line, read and checked: every option has a default, and a bad value is an error that says why.</summary>
internal sealed class FashionMnistOptions
{
    public const string Usage = """
        Trains an MLP (or a CNN) with the softmax head on Fashion-MNIST and reports its test accuracy.

        usage: dotnet run -c Release --project examples/FashionMnist [-- options]

        data
          --data DIR            IDX files (train-*/t10k-*, .gz or raw): the full set is in
                                /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist);
                                MNIST's work too (with --digits). Default: the shipped subset (examples/data,
                                10,000 train / 2,000 test images)
          --limit N             use only the first N training and N/5 test images (quick runs, CI)
          --validation F        hold out a fraction F of the training images (seeded) and report
                                validation instead of test figures per epoch: for choosing a recipe
          --digits              the files are MNIST's handwritten digits: name the classes 0-9
                                instead of Fashion-MNIST's T-shirt/top, Trouser, ...
          --normalize on|off    standardise the pixels with the training images' mean and std (default on)

        model
          --model mlp|cnn       mlp: Dense layers (default); cnn: the benchmark's CNN, two 3x3
                                convolutions (32 and 64 channels) with 2x2 max pooling, then
                                Dense(3136, 128) and Dense(128, 10)
          --hidden N [N ...]    hidden layer sizes of the mlp (default 512 256)
          --dropout P           dropout after each hidden layer of the mlp (default 0: none)

        training
          --epochs N            passes over the training images (default 15; 10 with cnn)
          --batch N             mini-batch size (default 128)
          --optimizer NAME      sgd, adam or adamw (default adamw; adam with cnn)
          --lr X                peak learning rate (default 0.001; 0.05 with sgd)
          --momentum X          momentum of sgd (default 0.9)
          --weight-decay X      weight decay, decoupled for adamw (default 0.05 with adamw, else 0)
          --label-smoothing E   label smoothing of the cross-entropy (default 0.1; 0 with cnn)
          --schedule NAME       cosine (the learning rate falls along half a cosine from --lr to 0,
                                batch by batch) or none (constant) (default cosine)
          --seed N              seed of the initialisation, the shuffles, dropout and the validation
                                split (default 0)
          --monitor             attach a TrainingMonitor: its status on the progress bar, what it
                                finds after each epoch, and its per-layer table at the end

        files
          --save FILE           save the trained parameters (safetensors)
          --checkpoint DIR      after every epoch, write a checkpoint (model, optimiser, schedule,
                                generators) to DIR/epoch-N.safetensors
          --resume              continue from the latest checkpoint in the --checkpoint DIR, with
                                the options it was made with (--epochs may grow with --schedule none)
          --load FILE           evaluate a saved model on the test images instead of training;
                                build it with the --model and --hidden sizes it was trained with
          --plots DIR           where the SVG figures go (default out/fashion)
          --help                print this text
        """;

    private const int CnnEpochs = 10;

    public string? DataDirectory { get; private init; }
    public int? Limit { get; private init; }
    public double Validation { get; private init; }
    public bool Digits { get; private init; }
    public bool Normalize { get; private init; }
    public string Model { get; private init; } = "";
    public int[] Hidden { get; private init; } = [];
    public double Dropout { get; private init; }
    public int Epochs { get; private init; }
    public int BatchSize { get; private init; }
    public string Optimizer { get; private init; } = "";
    public double Lr { get; private init; }
    public double Momentum { get; private init; }
    public double WeightDecay { get; private init; }
    public double LabelSmoothing { get; private init; }
    public string Schedule { get; private init; } = "";
    public ulong Seed { get; private init; }
    public string? SavePath { get; private init; }
    public string? LoadPath { get; private init; }
    public string? CheckpointDirectory { get; private init; }
    public bool Resume { get; private init; }
    public string PlotsDirectory { get; private init; } = "";
    public bool Help { get; private init; }
    public bool Monitor { get; private init; }

    /// <summary>Reads <paramref name="args"/>; throws <see cref="ArgumentException"/> (with the usage) on anything wrong.</summary>
    public static FashionMnistOptions Parse(string[] args)
    {
        var line = new CommandLine(args, Usage);
        if (line.Help) return new FashionMnistOptions { Help = true };

        string model = line.Choice("model", "mlp", "mlp", "cnn");
        bool cnn = model == "cnn"; // the CNN's defaults are the benchmark's training (Adam, no label smoothing) with the cosine decay
        string optimizer = line.Choice("optimizer", cnn ? "adam" : "adamw", "sgd", "adam", "adamw");
        var options = new FashionMnistOptions
        {
            DataDirectory = line.String("data"),
            Limit = line.String("limit") is null ? null : line.Int("limit", 0, min: 5),
            Validation = line.Double("validation", 0, min: 0),
            Digits = line.Flag("digits"),
            Normalize = line.Choice("normalize", "on", "on", "off") == "on",
            Model = model,
            Hidden = line.Ints("hidden", [512, 256], min: 1),
            Dropout = line.Double("dropout", 0, min: 0),
            Epochs = line.Int("epochs", cnn ? CnnEpochs : 15, min: 1),
            BatchSize = line.Int("batch", 128, min: 1),
            Optimizer = optimizer,
            Lr = line.Double("lr", optimizer == "sgd" ? 0.05 : 1e-3, min: 0),
            Momentum = line.Double("momentum", 0.9, min: 0),
            WeightDecay = line.Double("weight-decay", optimizer == "adamw" ? 0.05 : 0, min: 0),
            LabelSmoothing = line.Double("label-smoothing", cnn ? 0 : 0.1, min: 0),
            Schedule = line.Choice("schedule", "cosine", "cosine", "none"),
            Seed = (ulong)line.Int("seed", 0, min: 0),
            SavePath = line.String("save"),
            LoadPath = line.String("load"),
            CheckpointDirectory = line.String("checkpoint"),
            Resume = line.Flag("resume"),
            Monitor = line.Flag("monitor"),
            PlotsDirectory = line.String("plots", Path.Combine("out", "fashion")),
        };
        options.Check(args);
        line.RejectUnknown();
        return options;
    }

    /// <summary>The checks that involve more than one option, or bounds the command-line reader does not know.</summary>
    private void Check(string[] args)
    {
        bool Given(string name) => Array.IndexOf(args, "--" + name) >= 0;

        if (!(Validation < 1)) throw Error($"--validation expects a fraction in [0, 1), got {Number(Validation)}");
        if (!(Dropout < 1)) throw Error($"--dropout expects a probability in [0, 1), got {Number(Dropout)}");
        if (!(LabelSmoothing <= 1)) throw Error($"--label-smoothing expects a value in [0, 1], got {Number(LabelSmoothing)}");
        if (Lr == 0) throw Error("--lr must be positive: with 0 nothing would be learnt");
        if (Momentum >= 1) throw Error($"--momentum expects a value in [0, 1), got {Number(Momentum)}");
        if (Given("momentum") && Optimizer != "sgd")
            throw Error($"--momentum applies to --optimizer sgd only (adam and adamw keep moment averages of their own); the optimizer is {Optimizer}");
        if (Model == "cnn")
            foreach (var name in (string[])["hidden", "dropout"])
                if (Given(name)) throw Error($"--{name} shapes the mlp; the cnn's layers are fixed (see --model): drop --{name}");
        if (PlotsDirectory.Length == 0) throw Error("--plots expects a folder");
        if (SavePath is not null && LoadPath is not null)
            throw Error("--save and --load do not go together: --load evaluates a saved model and trains nothing");
        if (Resume && CheckpointDirectory is null) throw Error("--resume continues from the checkpoints of --checkpoint DIR; give the folder");
        if (CheckpointDirectory is { Length: 0 }) throw Error("--checkpoint expects a folder");
        if (LoadPath is not null)
        {
            // A saved model is only evaluated, so an option that shapes training would silently do nothing.
            string[] trainingOnly =
                ["validation", "dropout", "epochs", "batch", "optimizer", "lr", "momentum", "weight-decay", "label-smoothing", "schedule", "seed", "normalize",
                 "checkpoint", "resume", "monitor"];
            foreach (var name in trainingOnly)
                if (Given(name))
                    throw Error($"--{name} shapes training, and --load trains nothing: drop --{name}" +
                        (name == "normalize" ? " (the normalisation the model was trained with comes from the file)" : ""));
        }
    }

    /// <summary>
    /// The options that shape the data and the training (all but <c>--epochs</c>, which a resumed run with a constant
    /// rate may raise), one per line as on the command line: what a resumed run must repeat.
    /// </summary>
    public string Recipe() => string.Join('\n',
        $"--data {DataDirectory ?? "(the shipped subset)"}", $"--limit {(Limit is int limit ? limit.ToString(CultureInfo.InvariantCulture) : "(all)")}",
        $"--validation {Number(Validation)}", $"--digits {(Digits ? "yes" : "no")}", $"--normalize {(Normalize ? "on" : "off")}",
        $"--hidden {string.Join(' ', Hidden)}", $"--dropout {Number(Dropout)}", $"--batch {BatchSize}", $"--optimizer {Optimizer}", $"--lr {Number(Lr)}",
        $"--momentum {Number(Momentum)}", $"--weight-decay {Number(WeightDecay)}", $"--label-smoothing {Number(LabelSmoothing)}",
        $"--schedule {Schedule}", $"--seed {Seed}", $"--model {Model}") + "\n";

    private static ArgumentException Error(string problem) => new($"{problem}.\n\n{Usage}");

    private static string Number(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
