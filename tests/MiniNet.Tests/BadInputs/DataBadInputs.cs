using MiniNet.Data;

namespace MiniNet.Tests.BadInputs;

/// <summary>Datasets, targets, data loaders and the generators that shuffle them.</summary>
internal static class DataBadInputs
{
    private const string Area = "Data";

    /// <summary>Two samples of shape [3], labelled 0 and 1 of 2 classes.</summary>
    private static LabeledDataset Two() => LabeledDataset.FromArrays([0, 1, 2, 3, 4, 5], [0, 1], [3], classCount: 2);

    /// <summary>Images of 2 pixels each, as an IDX array of bytes.</summary>
    private static IdxArray Images(int count) => new(new byte[count * 2], [count, 2]);

    private static IdxArray Labels(params byte[] labels) => new(labels, [labels.Length]);

    /// <summary>Runs two epochs at once: the first epoch's enumerator, used after the second started, must refuse.</summary>
    private static void OverlappingEpochs()
    {
        var loader = new DataLoader(Two(), batchSize: 1);
        using var first = loader.GetEnumerator();
        first.MoveNext();
        using var second = loader.GetEnumerator();
        first.MoveNext();
    }

    /// <summary>Two images [2, 1, 2, 2] with float targets [2, 3].</summary>
    private static TensorDataset TwoImages() => new(Tensor.Zeros([2, 1, 2, 2]), Tensor.Zeros([2, 3]));

    /// <summary>A user's dataset that says what it likes about its samples and labels sample i as i.</summary>
    private sealed class Declared(int classCount, Shape targetShape) : IDataset
    {
        public int Count => 4;
        public Shape FeatureShape => [1];
        public int ClassCount => classCount;
        public Shape TargetShape => targetShape;

        public void CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
        {
            for (int k = 0; k < labels.Length; k++) labels[k] = indices[k];
        }
    }

    /// <summary>Calls a built-in dataset's <see cref="IDataset.CopyBatch"/> with buffers for <paramref name="rows"/> samples.</summary>
    private static void CopyBatch(IDataset dataset, int[] indices, int rows, int labelCount, int targetLength) =>
        dataset.CopyBatch(indices, new float[rows * dataset.FeatureShape.ElementCount], new int[labelCount], new float[targetLength]);

    public static IEnumerable<BadInput> Rows() =>
    [
        BadInput.Of<InvalidDataException>(Area, "FromIdx of an empty file of images too large to hold",
            () => LabeledDataset.FromIdx(new IdxArray(Array.Empty<byte>(), [0, 65536, 65536]), new IdxArray(Array.Empty<byte>(), [0]), imagesName: "huge.idx"),
            "Images file 'huge.idx' of shape [0, 65536, 65536]: one image cannot be held", "[65536, 65536] holds 4,294,967,296 elements"),
        // LabeledDataset.FromArrays
        BadInput.Of<ArgumentException>(Area, "FromArrays with fewer features than the labels need",
            () => LabeledDataset.FromArrays(new float[5], [0, 1], [3], 2), "LabeledDataset.FromArrays", "2 labels need 2 × 3 (sample shape [3]) = 6 features",
            "5 were given"),
        BadInput.Of<ArgumentException>(Area, "FromArrays label past the last class",
            () => LabeledDataset.FromArrays(new float[6], [0, 3], [3], 2), "LabeledDataset.FromArrays", "label 3 at index 1 is outside 0–1 (2 classes)"),
        BadInput.Of<ArgumentException>(Area, "FromArrays negative label",
            () => LabeledDataset.FromArrays(new float[6], [-1, 0], [3], 2), "LabeledDataset.FromArrays", "label -1 at index 0"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "FromArrays of no classes",
            () => LabeledDataset.FromArrays(new float[6], [0, 0], [3], 0), "LabeledDataset.FromArrays", "classCount is 0", "at least 1"),
        BadInput.Of<ArgumentException>(Area, "FromArrays with a NaN feature",
            () => LabeledDataset.FromArrays([0, 1, 2, 3, float.NaN, 5], [0, 1], [3], 2), "LabeledDataset.FromArrays",
            "feature 1 of example 1 (sample shape [3]) is NaN", "finite"),
        BadInput.Of<ArgumentException>(Area, "FromArrays with an infinite feature",
            () => LabeledDataset.FromArrays([float.PositiveInfinity, 1, 2, 3], [0, 1], [2], 2), "LabeledDataset.FromArrays",
            "feature 0 of example 0 (sample shape [2]) is Infinity"),
        BadInput.Of<ArgumentException>(Area, "FromArrays with a negative infinite feature in a 2-D sample",
            () => LabeledDataset.FromArrays([0, 1, 2, 3, 4, 5, 6, float.NegativeInfinity], [0, 1], [2, 2], 2), "LabeledDataset.FromArrays",
            "feature 3 of example 1 (sample shape [2, 2]) is -Infinity"),
        BadInput.Of<ArgumentNullException>(Area, "FromArrays of null features", () => LabeledDataset.FromArrays(null!, [0], [3], 2), "features"),
        BadInput.Of<ArgumentNullException>(Area, "FromArrays of null labels", () => LabeledDataset.FromArrays(new float[3], null!, [3], 2), "labels"),

        // LabeledDataset.FromIdx
        BadInput.Of<InvalidDataException>(Area, "FromIdx labels that are not integers",
            () => LabeledDataset.FromIdx(Images(2), new IdxArray(new float[2], [2])), "Labels file 'labels'", "Float32 elements of shape [2]",
            "one-dimensional array of integers"),
        BadInput.Of<InvalidDataException>(Area, "FromIdx counts that differ",
            () => LabeledDataset.FromIdx(Images(3), Labels(0, 1), imagesName: "train-images", labelsName: "train-labels"),
            "Images file 'train-images' holds 3 images", "labels file 'train-labels' holds 2 labels", "one to one"),
        BadInput.Of<InvalidDataException>(Area, "FromIdx label past the last class",
            () => LabeledDataset.FromIdx(Images(2), Labels(10, 0)), "Labels file 'labels'", "label 10 at index 0 is outside 0–9", "10 classes"),
        BadInput.Of<InvalidDataException>(Area, "FromIdx float images holding NaN",
            () => LabeledDataset.FromIdx(new IdxArray([0f, 0, float.NaN, 0], [2, 2]), Labels(0, 1)), "Images file 'images'",
            "feature 0 of image 1 (shape [2]) is NaN", "finite"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "FromIdx NaN normalisation mean",
            () => LabeledDataset.FromIdx(Images(2), Labels(0, 1), mean: float.NaN), "LabeledDataset", "normalisation mean is NaN", "finite"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "FromIdx zero normalisation deviation",
            () => LabeledDataset.FromIdx(Images(2), Labels(0, 1), std: 0), "LabeledDataset", "normalisation standard deviation is 0", "positive"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "FromIdx of no classes",
            () => LabeledDataset.FromIdx(Images(2), Labels(0, 1), classCount: -1), "LabeledDataset.FromIdx", "classCount is -1"),

        // Reading and splitting a dataset
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Normalize with a negative deviation",
            () => Two().Normalize(0, -1), "LabeledDataset", "normalisation standard deviation is -1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Normalize with an infinite mean",
            () => Two().Normalize(float.PositiveInfinity, 1), "LabeledDataset", "normalisation mean is Infinity"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "features of a sample past the end",
            () => { _ = Two().GetFeatures(5); }, "LabeledDataset", "index 5 is outside the 2 samples"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "label of a negative sample index",
            () => Two().GetLabel(-1), "LabeledDataset", "index -1 is outside the 2 samples"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Take of a negative count",
            () => Two().Take(-1), "LabeledDataset.Take", "count is -1"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Subset with an index past the end",
            () => Two().Subset([0, 2]), "LabeledDataset.Subset", "index 2 (position 1) is outside the 2 samples"),
        BadInput.Of<ArgumentException>(Area, "RandomSplit lengths that do not add up",
            () => Two().RandomSplit([1, 2], new Generator(1)), "RandomSplit", "lengths [1, 2] add up to 3", "dataset has 2 samples"),
        BadInput.Of<ArgumentException>(Area, "RandomSplit negative length",
            () => Two().RandomSplit([3, -1], new Generator(1)), "RandomSplit", "lengths [3, -1] include a negative one"),
        BadInput.Of<ArgumentException>(Area, "RandomSplit fraction outside [0, 1]",
            () => Two().RandomSplit([1.5, -0.5], new Generator(1)), "RandomSplit", "fractions [1.5, -0.5] must each be in [0, 1]"),
        BadInput.Of<ArgumentException>(Area, "RandomSplit fractions that do not add up to 1",
            () => Two().RandomSplit([0.5, 0.25], new Generator(1)), "RandomSplit", "fractions [0.5, 0.25] add up to 0.75, not 1"),
        BadInput.Of<ArgumentException>(Area, "RandomSplit NaN fraction",
            () => Two().RandomSplit([double.NaN, 1], new Generator(1)), "RandomSplit", "[NaN, 1] must each be in [0, 1]"),
        BadInput.Of<ArgumentNullException>(Area, "RandomSplit without a generator", () => Two().RandomSplit([0.5, 0.5], null!), "generator"),

        // DataLoader
        BadInput.Of<ArgumentException>(Area, "DataLoader over an empty dataset",
            () => new DataLoader(Two().Take(0), batchSize: 2), "DataLoader", "the dataset holds 0 samples", "0 batches"),
        BadInput.Of<ArgumentException>(Area, "DataLoader over an empty random split",
            () => new DataLoader(Two().RandomSplit([2, 0], new Generator(1))[1], batchSize: 1, shuffle: true, generator: new Generator(1)),
            "DataLoader", "the dataset holds 0 samples"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "DataLoader batch size of 0",
            () => new DataLoader(Two(), batchSize: 0), "DataLoader", "the batch size is 0", "positive"),
        BadInput.Of<ArgumentException>(Area, "DataLoader shuffling without a generator",
            () => new DataLoader(Two(), batchSize: 1, shuffle: true), "DataLoader", "shuffle needs a generator", "new Generator(seed)"),
        BadInput.Of<InvalidOperationException>(Area, "DataLoader epoch used after the next one started",
            OverlappingEpochs, "DataLoader", "a new epoch has started", "finish one epoch before starting the next"),
        BadInput.Of<ArgumentNullException>(Area, "DataLoader over null", () => new DataLoader(null!, batchSize: 1), "dataset"),

        // TensorDataset
        BadInput.Of<ArgumentException>(Area, "TensorDataset sample counts that differ",
            () => new TensorDataset(Tensor.Zeros([3, 1, 2, 2]), Tensor.Zeros([2, 1])), "TensorDataset", "features [3, 1, 2, 2] hold 3 samples",
            "targets [2, 1] hold 2", "axis 0 counts the samples"),
        BadInput.Of<ArgumentException>(Area, "TensorDataset of float64 features",
            () => new TensorDataset(Tensor.Zeros([2, 3], DType.Float64), Tensor.Zeros([2])), "TensorDataset", "features [2, 3] are Float64",
            "features.To(DType.Float32)"),
        BadInput.Of<ArgumentException>(Area, "TensorDataset of float64 targets",
            () => new TensorDataset(Tensor.Zeros([2, 3]), Tensor.Zeros([2], DType.Float64)), "TensorDataset", "targets [2] are Float64"),
        BadInput.Of<ArgumentException>(Area, "TensorDataset of scalar targets",
            () => new TensorDataset(Tensor.Zeros([2, 3]), Tensor.Scalar(1)), "TensorDataset", "targets are a scalar", "[N, …]"),
        BadInput.Of<ArgumentException>(Area, "TensorDataset of scalar features",
            () => new TensorDataset(Tensor.Scalar(1), [0], classCount: 2), "TensorDataset", "features are a scalar"),
        BadInput.Of<ArgumentException>(Area, "TensorDataset with a NaN pixel",
            () => new TensorDataset(Tensor.FromArray([0f, 0, 0, 0, 0, 0, 0, float.NaN], [2, 1, 2, 2]), Tensor.Zeros([2])), "TensorDataset",
            "features element 3 of sample 1 (shape [2, 1, 2, 2]) is NaN", "finite"),
        BadInput.Of<ArgumentException>(Area, "TensorDataset with an infinite target",
            () => new TensorDataset(Tensor.Zeros([2, 3]), Tensor.FromArray([1f, float.NegativeInfinity])), "TensorDataset",
            "targets element 0 of sample 1 (shape [2]) is -Infinity"),
        BadInput.Of<ArgumentException>(Area, "TensorDataset with fewer labels than samples",
            () => new TensorDataset(Tensor.Zeros([3, 2]), [0, 1], classCount: 2), "TensorDataset", "features [3, 2] hold 3 samples but 2 labels were given"),
        BadInput.Of<ArgumentException>(Area, "TensorDataset label past the last class",
            () => new TensorDataset(Tensor.Zeros([2, 2]), [0, 2], classCount: 2), "TensorDataset", "label 2 at index 1 is outside 0–1 (2 classes)"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "TensorDataset of no classes",
            () => new TensorDataset(Tensor.Zeros([2, 2]), [0, 0], classCount: 0), "TensorDataset", "classCount is 0", "at least 1"),
        BadInput.Of<ArgumentNullException>(Area, "TensorDataset of null targets", () => new TensorDataset(Tensor.Zeros([2, 2]), (Tensor)null!), "targets"),
        BadInput.Of<ArgumentNullException>(Area, "TensorDataset of null labels", () => new TensorDataset(Tensor.Zeros([2, 2]), (int[])null!, 2), "labels"),

        // IDataset.CopyBatch of the built-in datasets, and what a batch holds
        BadInput.Of<ArgumentOutOfRangeException>(Area, "CopyBatch of an index past the end",
            () => CopyBatch(TwoImages(), [1, 2], rows: 2, labelCount: 0, targetLength: 6), "TensorDataset.CopyBatch", "index 2 (position 1) is outside the 2 samples"),
        BadInput.Of<ArgumentException>(Area, "CopyBatch into too few features",
            () => ((IDataset)TwoImages()).CopyBatch([0, 1], new float[7], [], new float[6]), "TensorDataset.CopyBatch", "features holds 7 elements",
            "expected 8 (2 rows of [1, 2, 2])"),
        BadInput.Of<ArgumentException>(Area, "CopyBatch of float targets into labels",
            () => CopyBatch(TwoImages(), [0], rows: 1, labelCount: 1, targetLength: 3), "TensorDataset.CopyBatch", "labels holds 1 elements",
            "none: the samples have float targets"),
        BadInput.Of<ArgumentException>(Area, "CopyBatch of class labels into targets",
            () => CopyBatch(Two(), [0], rows: 1, labelCount: 1, targetLength: 1), "LabeledDataset.CopyBatch", "targets holds 1 elements",
            "none: the samples have class labels"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "CopyBatch of a negative index",
            () => CopyBatch(Two(), [-1], rows: 1, labelCount: 1, targetLength: 0), "LabeledDataset.CopyBatch", "index -1 (position 0)"),
        BadInput.Of<InvalidOperationException>(Area, "batch Labels of a dataset with float targets",
            () => { _ = new DataLoader(TwoImages(), batchSize: 2).First().Labels; }, "Batch.Labels", "float targets of shape [2, 3]", "use Batch.Targets"),
        BadInput.Of<InvalidOperationException>(Area, "batch Targets of a dataset with class labels",
            () => { _ = new DataLoader(Two(), batchSize: 2).First().Targets; }, "Batch.Targets", "class labels (2 classes)", "use Batch.Labels", "Batch.OneHot()"),
        BadInput.Of<InvalidOperationException>(Area, "batch OneHot of a dataset with float targets",
            () => new DataLoader(TwoImages(), batchSize: 1).First().OneHot(), "Batch.Labels", "not class labels"),
        BadInput.Of<ArgumentException>(Area, "DataLoader over class labels with a target shape",
            () => new DataLoader(new Declared(4, [2]), batchSize: 2), "DataLoader", "Declared has ClassCount 4 and TargetShape [2]",
            "ClassCount > 0 with TargetShape []"),
        BadInput.Of<ArgumentException>(Area, "DataLoader over a negative class count",
            () => new DataLoader(new Declared(-2, []), batchSize: 2), "DataLoader", "ClassCount -2"),
        BadInput.Of<InvalidOperationException>(Area, "DataLoader batch with a label past the declared classes",
            () => new DataLoader(new Declared(3, []), batchSize: 4).ToList(), "DataLoader", "Declared.CopyBatch gave sample 3 the label 3",
            "outside 0–2 (3 classes)"),

        // Targets
        BadInput.Of<ArgumentException>(Area, "OneHot label past the last class",
            () => Targets.OneHot([0, 3], classCount: 3), "OneHot", "label 3 at index 1 is outside 0–2 (3 classes)"),
        BadInput.Of<ArgumentException>(Area, "OneHot negative label",
            () => Targets.OneHot([-2], classCount: 3), "OneHot", "label -2 at index 0"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "OneHot of no classes",
            () => Targets.OneHot([0], classCount: 0), "OneHot", "classCount is 0", "at least 1"),
        BadInput.Of<ArgumentException>(Area, "MultiHot label without a row in the table",
            () => Targets.MultiHot([2], new bool[2, 3]), "MultiHot", "label 2 at index 0 has no row in the attribute table", "classes 0–1"),
        BadInput.Of<ArgumentNullException>(Area, "MultiHot of a null table", () => Targets.MultiHot([0], null!), "classAttributes"),
        BadInput.Of<ArgumentException>(Area, "batch MultiHot with a table too small for its labels",
            () => new DataLoader(Two(), batchSize: 2).First().MultiHot(new bool[1, 4]), "MultiHot", "label 1 at index 1 has no row", "classes 0–0"),

        // Generators and files
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Generator.NextInt of a bound of 0",
            () => new Generator(1).NextInt(0), "Generator.NextInt", "maxExclusive is 0", "positive"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "Generator.Permutation of a negative count",
            () => new Generator(1).Permutation(-1), "Generator.Permutation", "count is -1"),
        BadInput.Of<ArgumentException>(Area, "GeneratorState of four zero words",
            () => new GeneratorState(1, 0, 0, 0, 0, null), "GeneratorState", "the four state words are all 0", "Generator.GetState"),
        BadInput.Of<ArgumentOutOfRangeException>(Area, "GeneratorState with a NaN kept normal",
            () => new GeneratorState(1, 1, 2, 3, 4, double.NaN), "GeneratorState", "spareNormal is NaN"),
        BadInput.Of<ArgumentNullException>(Area, "Generator.SetState of null", () => new Generator(1).SetState(null!), "state"),
        BadInput.Of<FileNotFoundException>(Area, "FashionMnist from a directory without the files",
            () => FashionMnist.Load("/nonexistent-mininet-data"), "Fashion-MNIST", "'/nonexistent-mininet-data/train-images-idx3-ubyte.gz'",
            "'/nonexistent-mininet-data/train-images-idx3-ubyte'"),
    ];
}
