using MiniNet.Data;

namespace MiniNet.Tests.Data;

public class LabeledDatasetTests
{
    /// <summary>n samples of 3 features; sample i holds [i, 100 + i, 200 + i] and label i % classes.</summary>
    internal static LabeledDataset Numbered(int count, int classCount = 10)
    {
        var features = new float[count * 3];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            features[3 * i] = i;
            features[3 * i + 1] = 100 + i;
            features[3 * i + 2] = 200 + i;
            labels[i] = i % classCount;
        }
        return LabeledDataset.FromArrays(features, labels, [3], classCount);
    }

    private static (string Images, string Labels) WriteIdxPair(TempDirectory dir, byte[] pixels, Shape imageShape, IdxArray labels)
    {
        string images = dir.File("images-idx3-ubyte.gz"), labelsPath = dir.File("labels-idx1-ubyte.gz");
        IdxFile.Write(images, new IdxArray(pixels, imageShape), gzip: true);
        IdxFile.Write(labelsPath, labels, gzip: true);
        return (images, labelsPath);
    }

    [Fact]
    public void Load_scales_byte_pixels_exactly_as_torchvision_ToTensor()
    {
        // Expected float32 bits, from PyTorch 1.13:
        //   x = torch.tensor([0, 1, 37, 128, 254, 255], dtype=torch.uint8)
        //   x.float().div(255)                          -> scaled
        //   x.float().div(255).sub(0.2860).div(0.3530)  -> normalized
        uint[] scaled = [0x0, 0x3b808081, 0x3e149495, 0x3f008081, 0x3f7efeff, 0x3f800000];
        uint[] normalized = [0xbf4f6929, 0xbf4c911b, 0xbecc5e24, 0x3f1c9e13, 0x4000bd4c, 0x4001734f];
        using var dir = new TempDirectory();
        var (images, labels) = WriteIdxPair(dir, [0, 1, 37, 128, 254, 255], [3, 1, 2], new IdxArray(new byte[] { 2, 0, 9 }, [3]));

        var plain = LabeledDataset.Load(images, labels);
        var standardized = LabeledDataset.Load(images, labels, mean: 0.2860f, std: 0.3530f);

        Assert.Equal([1, 2], plain.SampleShape.ToArray());
        Assert.Equal(2, plain.FeatureCount);
        Assert.Equal([2, 0, 9], plain.GetLabels());
        Assert.Equal(scaled, Bits(plain.ToTensor().ToArray<float>()));
        Assert.Equal(normalized, Bits(standardized.ToTensor().ToArray<float>()));
        Assert.Equal(normalized, Bits(plain.Normalize(0.2860f, 0.3530f).ToTensor().ToArray<float>()));
    }

    [Fact]
    public void Load_keeps_the_values_of_non_byte_images()
    {
        using var dir = new TempDirectory();
        IdxFile.Write(dir.File("images"), new IdxArray(new float[] { -1.5f, 300f }, [2]), gzip: false);
        IdxFile.Write(dir.File("labels"), new IdxArray(new int[] { 1, 0 }, [2]), gzip: false);
        var dataset = LabeledDataset.Load(dir.File("images"), dir.File("labels"), classCount: 2);
        Assert.Equal(new float[] { -1.5f, 300f }, dataset.ToTensor().ToArray<float>());
        Assert.Equal(1, dataset.FeatureCount);
    }

    [Fact]
    public void Load_refuses_image_and_label_counts_that_differ_naming_both_files()
    {
        using var dir = new TempDirectory();
        var (images, labels) = WriteIdxPair(dir, new byte[3 * 4], [3, 4], new IdxArray(new byte[] { 1, 2 }, [2]));
        var error = Assert.Throws<InvalidDataException>(() => LabeledDataset.Load(images, labels));
        Assert.Contains($"Images file '{images}' holds 3 images but labels file '{labels}' holds 2 labels", error.Message);
    }

    [Fact]
    public void Load_refuses_a_label_outside_the_classes_naming_file_index_and_value()
    {
        using var dir = new TempDirectory();
        var (images, labels) = WriteIdxPair(dir, new byte[4], [4, 1], new IdxArray(new byte[] { 9, 0, 10, 3 }, [4]));
        var error = Assert.Throws<InvalidDataException>(() => LabeledDataset.Load(images, labels));
        Assert.Contains($"Labels file '{labels}': label 10 at index 2 is outside 0–9, the 10 classes expected", error.Message);

        IdxFile.Write(labels, new IdxArray(new short[] { 1, -1, 0, 0 }, [4]), gzip: true);
        error = Assert.Throws<InvalidDataException>(() => LabeledDataset.Load(images, labels));
        Assert.Contains("label -1 at index 1", error.Message);
    }

    [Fact]
    public void Load_refuses_labels_that_are_not_a_vector_of_integers()
    {
        using var dir = new TempDirectory();
        var (images, labels) = WriteIdxPair(dir, new byte[2], [2, 1], new IdxArray(new float[] { 0, 1 }, [2]));
        var error = Assert.Throws<InvalidDataException>(() => LabeledDataset.Load(images, labels));
        Assert.Contains("holds Float32 elements of shape [2]; labels are a one-dimensional array of integers", error.Message);
    }

    [Fact]
    public void FromArrays_checks_lengths_and_labels()
    {
        Assert.Contains("2 labels need 2 × 3 (sample shape [3]) = 6 features, but 5 were given",
            Assert.Throws<ArgumentException>(() => LabeledDataset.FromArrays(new float[5], [0, 1], [3], 2)).Message);
        Assert.Contains("label 2 at index 1 is outside 0–1",
            Assert.Throws<ArgumentException>(() => LabeledDataset.FromArrays(new float[6], [0, 2], [3], 2)).Message);
    }

    [Fact]
    public void Take_keeps_the_first_samples_and_Subset_the_chosen_ones()
    {
        var dataset = Numbered(10);
        var first = dataset.Take(4);
        Assert.Equal(4, first.Count);
        Assert.Equal([0, 1, 2, 3], first.GetLabels());
        Assert.Same(dataset, dataset.Take(50));

        var chosen = dataset.Subset([7, 2, 7]);
        Assert.Equal([7, 2, 7], chosen.GetLabels());
        Assert.Equal([2f, 102f, 202f], chosen.GetFeatures(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Subset([10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => chosen.GetFeatures(3));
    }

    [Fact]
    public void RandomSplit_gives_disjoint_parts_of_the_requested_sizes_covering_every_sample()
    {
        var dataset = Numbered(100);
        var parts = dataset.RandomSplit([70, 20, 10], new Generator(5));
        Assert.Equal([70, 20, 10], parts.Select(p => p.Count));
        var seen = parts.SelectMany(p => Enumerable.Range(0, p.Count).Select(i => (int)p.GetFeatures(i)[0])).ToList();
        Assert.Equal(Enumerable.Range(0, 100), seen.Order());
        Assert.NotEqual(Enumerable.Range(0, 70), seen.Take(70)); // shuffled, not cut in order

        var again = dataset.RandomSplit([70, 20, 10], new Generator(5));
        Assert.Equal(parts[1].GetLabels(), again[1].GetLabels());
        var otherSeed = dataset.RandomSplit([70, 20, 10], new Generator(6));
        Assert.NotEqual(parts[0].ToTensor().ToArray<float>(), otherSeed[0].ToTensor().ToArray<float>());
    }

    [Fact]
    public void RandomSplit_by_fractions_gives_the_remainder_to_the_first_parts_as_PyTorch()
    {
        // PyTorch: random_split(range(11), [0.5, 0.3, 0.2]) -> lengths floor(5.5, 3.3, 2.2) = 5, 3, 2, plus 1 to the first.
        var parts = Numbered(11).RandomSplit([0.5, 0.3, 0.2], new Generator(1));
        Assert.Equal([6, 3, 2], parts.Select(p => p.Count));
    }

    [Fact]
    public void RandomSplit_refuses_lengths_that_do_not_add_up()
    {
        var dataset = Numbered(10);
        Assert.Contains("add up to 9, but the dataset has 10 samples",
            Assert.Throws<ArgumentException>(() => dataset.RandomSplit([5, 4], new Generator(1))).Message);
        Assert.Contains("add up to 0.9, not 1",
            Assert.Throws<ArgumentException>(() => dataset.RandomSplit([0.5, 0.4], new Generator(1))).Message);
    }

    [Fact]
    public void FeatureMeanAndStd_is_the_unbiased_estimate_over_all_features()
    {
        var dataset = LabeledDataset.FromArrays([1, 2, 3, 4, 5, 6], [0, 1, 0], [2], 2);
        var (mean, std) = dataset.FeatureMeanAndStd();
        Assert.Equal(3.5, mean, 15);
        Assert.Equal(Math.Sqrt(17.5 / 5), std, 15); // Σ(x − 3.5)² = 17.5 over n − 1 = 5
        Assert.Equal([2, 1], dataset.ClassCounts());
    }

    [Fact]
    public void Normalize_refuses_a_deviation_that_is_not_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(2).Normalize(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(2).Normalize(float.NaN, 1));
    }

    private static uint[] Bits(float[] values) => values.Select(BitConverter.SingleToUInt32Bits).ToArray();
}
