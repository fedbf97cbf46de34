namespace MiniNet.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research): 28 × 28 grey images of clothes in ten classes, 60,000 for training
/// and 10,000 for testing, in the IDX files that MNIST uses. The repository ships the first 10,000
/// training and 2,000 test images under <c>examples/data/</c>; Debian's <c>dataset-fashion-mnist</c>
/// package installs the full set in <see cref="SystemDirectory"/>. The loader reads the original MNIST
/// files too, which have the same names.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the full data set.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>The side of an image in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>The names of the classes, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// Loads the training (<c>train-*</c>) or test (<c>t10k-*</c>) images and labels from
    /// <paramref name="directory"/>, gzip-compressed (<c>….gz</c>) or not, with <see cref="LabeledDataset.Load"/>:
    /// pixels scaled to [0, 1], then normalised with <paramref name="mean"/> and <paramref name="std"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message names the paths tried, and says so when <paramref name="directory"/> is a file or does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed (see <see cref="IdxFile"/>: gzip data is checked whole), or the files do not pair up.</exception>
    public static LabeledDataset Load(string directory, bool train = true, float mean = 0, float std = 1)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string prefix = train ? "train" : "t10k";
        return LabeledDataset.Load(
            Find(directory, $"{prefix}-images-idx3-ubyte"), Find(directory, $"{prefix}-labels-idx1-ubyte"), ClassCount, mean, std);
    }

    /// <summary>
    /// Writes the first <paramref name="trainCount"/> training and <paramref name="testCount"/> test
    /// images and labels of the set in <paramref name="sourceDirectory"/> to <paramref name="targetDirectory"/>,
    /// as gzip-compressed IDX files under the standard names: how <c>examples/data/</c> was made
    /// (<c>WriteSubset(SystemDirectory, "examples/data", 10_000, 2_000)</c>). The data after each header is
    /// an exact prefix of the original's, and the files are the same on every run (no time stamp).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or larger than the set.</exception>
    public static void WriteSubset(string sourceDirectory, string targetDirectory, int trainCount, int testCount)
    {
        ArgumentNullException.ThrowIfNull(sourceDirectory);
        ArgumentNullException.ThrowIfNull(targetDirectory);
        foreach (var (prefix, count) in new[] { ("train", trainCount), ("t10k", testCount) })
            foreach (string kind in new[] { "images-idx3-ubyte", "labels-idx1-ubyte" })
            {
                string baseName = $"{prefix}-{kind}";
                var full = IdxFile.Read(Find(sourceDirectory, baseName));
                if ((uint)count > (uint)full.Count)
                    throw new ArgumentOutOfRangeException(prefix == "train" ? nameof(trainCount) : nameof(testCount), count,
                        $"FashionMnist.WriteSubset: {baseName} holds {full.Count} items.");
                IdxFile.Write(Path.Combine(targetDirectory, baseName + ".gz"), full.Slice(0, count), gzip: true);
            }
    }

    private static string Find(string directory, string baseName)
    {
        string compressed = Path.Combine(directory, baseName + ".gz"), raw = Path.Combine(directory, baseName);
        if (File.Exists(compressed)) return compressed;
        if (File.Exists(raw)) return raw;
        // Say why, when the directory itself is the problem: a file given for the directory is a common slip.
        string why = File.Exists(directory) ? $" '{directory}' is a file, not a directory: give the directory that holds the four IDX files (IdxFile.Read reads one file)."
            : !Directory.Exists(directory) ? $" The directory '{directory}' does not exist (the full set installs in {SystemDirectory} with apt-get install dataset-fashion-mnist)."
            : "";
        throw new FileNotFoundException($"Fashion-MNIST: neither '{compressed}' nor '{raw}' exists.{why}", compressed);
    }
}
