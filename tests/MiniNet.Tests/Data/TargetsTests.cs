using MiniNet.Data;

namespace MiniNet.Tests.Data;

public class TargetsTests
{
    [Fact]
    public void OneHot_puts_a_single_one_in_the_label_column()
    {
        var targets = Targets.OneHot([2, 0, 3], classCount: 4);
        Assert.Equal([3, 4], targets.Shape.ToArray());
        Assert.Equal(DType.Float32, targets.DType);
        Assert.Equal(new float[] { 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1 }, targets.ToArray<float>());
        Assert.Equal(new double[] { 0, 1 }, Targets.OneHot([1], 2, DType.Float64).ToArray<double>());
    }

    [Fact]
    public void OneHot_refuses_a_label_outside_the_classes()
    {
        var error = Assert.Throws<ArgumentException>(() => Targets.OneHot([0, 4], classCount: 4));
        Assert.Contains("label 4 at index 1 is outside 0–3 (4 classes)", error.Message);
    }

    [Fact]
    public void MultiHot_copies_each_sample_s_class_row_of_the_attribute_table()
    {
        // classes: 0 = T-shirt (upper body, sleeves), 1 = sandal (footwear), 2 = coat (upper body, sleeves, outerwear)
        bool[,] table = { { true, false, true, false }, { false, true, false, false }, { true, false, true, true } };
        var targets = Targets.MultiHot([2, 1, 0], table);
        Assert.Equal([3, 4], targets.Shape.ToArray());
        Assert.Equal(new float[] { 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0 }, targets.ToArray<float>());
        Assert.Contains("label 3 at index 0 has no row in the attribute table, which covers classes 0–2",
            Assert.Throws<ArgumentException>(() => Targets.MultiHot([3], table)).Message);
    }

    [Fact]
    public void A_batch_builds_its_targets_from_its_labels()
    {
        var loader = new DataLoader(LabeledDatasetTests.Numbered(3, classCount: 3), batchSize: 3);
        foreach (var batch in loader)
        {
            Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, batch.OneHot().ToArray<float>());
            Assert.Equal(new float[] { 0, 1, 1 }, batch.MultiHot(new bool[,] { { false }, { true }, { true } }).ToArray<float>());
        }
    }
}
