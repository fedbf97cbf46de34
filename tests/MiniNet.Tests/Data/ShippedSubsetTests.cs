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

    // SHA-256 of the first N items of the original files (N = 10,000 / 2,000) behind the original header
    // with its count set to N, computed from Debian's dataset-fashion-mnist with:
    //   raw = gzip.open(root + name + '.gz').read(); nd = raw[3]; dims = struct.unpack('>' + 'i'*nd, raw[4:4+4*nd])
    //   item = prod(dims[1:]); hashlib.sha256(raw[:4] + struct.pack('>' + 'i'*nd, n, *dims[1:]) + raw[4+4*nd : 4+4*nd+n*item])
    // so matching them proves the shipped files are an exact prefix of the full set, on any machine.
    [Theory]
    [InlineData("train-images-idx3-ubyte.gz", "ed2e37ed5a3a57d212141a69fe0a0de5a7126ffba14ac3f7e76f5f52cc04b1f0")]
    [InlineData("train-labels-idx1-ubyte.gz", "a69f2dad024ca220a8c4d85f621fdf929042d40c444abde2868903e9220ad517")]
    [InlineData("t10k-images-idx3-ubyte.gz", "862035b0a96959b614c9574f4c2b0ae9584ca234813e8d6d7adb7838b12ca46b")]
    [InlineData("t10k-labels-idx1-ubyte.gz", "aa3f574d30afaf0d4d9da084a6f8541771e20693d6a97fae6e9a4953fca8f078")]
    public void The_shipped_files_hold_exactly_the_first_items_of_the_full_set(string name, string sha256)
    {
        using var file = File.OpenRead(Path.Combine(ShippedDirectory(), name));
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        Assert.Equal(sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(gzip)));
    }

    [Fact]
    public void WriteSubset_keeps_the_first_items_of_each_file()
    {
        // The shipped set stands in for a full set: cut its first 30 training and 7 test items.
        using var dir = new TempDirectory();
        FashionMnist.WriteSubset(ShippedDirectory(), dir.Path, trainCount: 30, testCount: 7);
        foreach (string name in s_files)
        {
            var made = IdxFile.Read(dir.File(name));
            var source = IdxFile.Read(Path.Combine(ShippedDirectory(), name));
            Assert.Equal(name.StartsWith("train", StringComparison.Ordinal) ? 30 : 7, made.Count);
            Assert.Equal(source.Shape.ToArray()[1..], made.Shape.ToArray()[1..]);
            Assert.True(source.AsSpan<byte>()[..made.ElementCount].SequenceEqual(made.AsSpan<byte>()), $"{name} is not a prefix of its source");
        }
    }
}
