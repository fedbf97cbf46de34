using MiniNet.Data;

namespace MiniNet.Tests.Data;

/// <summary>The Fashion-MNIST subset committed under examples/data, and (where installed) its agreement with the full set.</summary>
public class ShippedSubsetTests
{
    private static readonly string[] s_files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    internal static string ShippedDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MiniNet.sln")))
                return Path.Combine(dir.FullName, "examples", "data");
        throw new DirectoryNotFoundException($"No MiniNet.sln above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void The_shipped_files_are_deterministic_gzip_with_no_name_or_time_stamp()
    {
        foreach (string name in s_files)
        {
            var header = File.ReadAllBytes(Path.Combine(ShippedDirectory(), name))[..10];
            Assert.Equal([0x1F, 0x8B, 8], header[..3]); // gzip, deflate
            Assert.Equal(0, header[3]);                  // no flags: no file name, comment or extra field
            Assert.Equal([0, 0, 0, 0], header[4..8]);    // no modification time
        }
    }

    [Fact]
    public void The_shipped_subset_has_10000_training_and_2000_test_images_with_labels_0_to_9()
    {
        var train = FashionMnist.Load(ShippedDirectory());
        var test = FashionMnist.Load(ShippedDirectory(), train: false);
        Assert.Equal(10_000, train.Count);
        Assert.Equal(2_000, test.Count);
        Assert.Equal([28, 28], train.SampleShape.ToArray());
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        // Every class present and every label in 0–9 (Load refuses others): the counts add up to the whole.
        Assert.All(train.ClassCounts(), count => Assert.InRange(count, 900, 1100));
        Assert.Equal(10_000, train.ClassCounts().Sum());
        Assert.All(test.ClassCounts(), count => Assert.InRange(count, 150, 250));
        Assert.Equal(2_000, test.ClassCounts().Sum());
        // Pixels scaled to [0, 1], and the images are not blank: Fashion-MNIST's mean pixel is 0.286.
        var (mean, _) = train.FeatureMeanAndStd();
        Assert.InRange(mean, 0.27, 0.30);
        Assert.Equal(9, train.GetLabel(0)); // the first training image of Fashion-MNIST is an ankle boot
    }

    [Fact]
    public void The_shipped_subset_is_an_exact_prefix_of_the_full_set_where_it_is_installed()
    {
        if (!Directory.Exists(FashionMnist.SystemDirectory)) return; // the shipped checks above still ran
        foreach (string name in s_files)
        {
            var full = IdxFile.Read(Path.Combine(FashionMnist.SystemDirectory, name));
            var shipped = IdxFile.Read(Path.Combine(ShippedDirectory(), name));
            int expectedCount = name.StartsWith("train", StringComparison.Ordinal) ? 10_000 : 2_000;
            Assert.Equal(expectedCount, shipped.Count);
            Assert.Equal(full.ElementType, shipped.ElementType);
            Assert.Equal(full.Shape.ToArray()[1..], shipped.Shape.ToArray()[1..]);
            Assert.True(full.AsSpan<byte>()[..shipped.ElementCount].SequenceEqual(shipped.AsSpan<byte>()), $"{name} is not a prefix of the full set");
        }
    }

    [Fact]
    public void WriteSubset_regenerates_the_shipped_contents_where_the_full_set_is_installed()
    {
        if (!Directory.Exists(FashionMnist.SystemDirectory)) return;
        using var dir = new TempDirectory();
        FashionMnist.WriteSubset(FashionMnist.SystemDirectory, dir.Path, trainCount: 10_000, testCount: 2_000);
        foreach (string name in s_files)
        {
            var made = IdxFile.Read(dir.File(name));
            var shipped = IdxFile.Read(Path.Combine(ShippedDirectory(), name));
            Assert.Equal(shipped.Shape, made.Shape);
            Assert.True(shipped.AsSpan<byte>().SequenceEqual(made.AsSpan<byte>()), $"{name} differs from the shipped file");
        }
    }
}
