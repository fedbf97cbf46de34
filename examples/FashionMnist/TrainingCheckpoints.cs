using System.Globalization;

namespace MiniNet.Examples.FashionMnist;

/// <summary>
/// The --checkpoint folder: <c>epoch-N.safetensors</c> after every epoch (MiniNet's <c>Checkpoint</c> files), and
/// <c>recipe.txt</c>, the options that shaped the run, which --resume must repeat: a checkpoint checks the model, the
/// optimiser and the schedule it is loaded into, but not the data, the split or the seed that the run was built from.
/// </summary>
internal sealed class TrainingCheckpoints(string directory)
{
    private const string RecipeFile = "recipe.txt";

    public string Directory { get; } = directory;

    public string PathOf(int epoch) => Path.Combine(Directory, $"epoch-{epoch.ToString(CultureInfo.InvariantCulture)}.safetensors");

    /// <summary>Starts a fresh run's folder: creates it and records the recipe.</summary>
    public void Start(FashionMnistOptions options)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, RecipeFile), options.Recipe());
    }

    /// <summary>The latest checkpoint and its epoch, after checking that this run repeats the recipe it was made with.</summary>
    /// <exception cref="FileNotFoundException">The folder holds no checkpoint, or no recipe.</exception>
    /// <exception cref="InvalidDataException">This run's options differ from the recipe.</exception>
    public (string Path, int Epoch) Latest(FashionMnistOptions options)
    {
        if (!System.IO.Directory.Exists(Directory))
            throw new DirectoryNotFoundException($"--resume: the checkpoint folder '{Directory}' does not exist.");
        string recipePath = Path.Combine(Directory, RecipeFile);
        if (!File.Exists(recipePath))
            throw new FileNotFoundException($"--resume: '{recipePath}' is missing; it records the options the checkpoints were made with.", recipePath);
        string[] saved = File.ReadAllLines(recipePath), current = options.Recipe().TrimEnd('\n').Split('\n');
        var differences = saved.Zip(current).Where(pair => pair.First != pair.Second).Select(pair => $"{pair.First} then, {pair.Second} now").ToList();
        differences.AddRange(current.Skip(saved.Length).Select(line => $"{line} now, not recorded then")); // a folder from before --model existed
        differences.AddRange(saved.Skip(current.Length).Select(line => $"{line} then, not known now"));
        if (differences.Count > 0)
            throw new InvalidDataException($"--resume: the checkpoints in '{Directory}' were made with other options ({string.Join("; ", differences)}); " +
                "give the options they were made with.");

        int latest = -1;
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory, "epoch-*.safetensors"))
        {
            string number = Path.GetFileNameWithoutExtension(file)["epoch-".Length..];
            if (int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) && epoch > latest) latest = epoch;
        }
        if (latest < 0) throw new FileNotFoundException($"--resume: '{Directory}' holds no checkpoint (epoch-N.safetensors).");
        return (PathOf(latest), latest);
    }
}
