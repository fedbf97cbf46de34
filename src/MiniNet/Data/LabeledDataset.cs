namespace MiniNet.Data;

/// <summary>
/// Samples of a fixed shape (an image, say), each held as a row of float32 features, with a class label
/// in [0, <see cref="ClassCount"/>): what PyTorch's <c>TensorDataset</c> or torchvision's <c>MNIST</c> hold,
/// with <c>Subset</c> and <c>random_split</c> as <see cref="Take"/>, <see cref="Subset"/> and
/// <see cref="RandomSplit(int[], Generator)"/>. Batch it with a <see cref="DataLoader"/>.
/// </summary>
/// <remarks>
/// <para>A dataset never changes. Take, Subset and RandomSplit return views: new lists of sample positions
/// over the same storage, which costs 4 bytes per sample instead of a copy of the features.</para>
/// <para>As an <see cref="IDataset"/> its samples are flat: a batch's features are [batch size, <see cref="FeatureCount"/>]
/// (<see cref="SampleShape"/> only records the shape before flattening), and its labels are <see cref="Batch.Labels"/>.
/// For features batched in their own shape ([batch size, 1, 28, 28]) or float targets, use a <see cref="TensorDataset"/>.</para>
/// </remarks>
public sealed class LabeledDataset : IDataset
{
    private readonly float[] _features; // the storage: one row of FeatureCount per stored sample, shared by views
    private readonly int[] _labels;     // the label of each stored sample
    private readonly int[] _rows;       // the stored sample behind each of this dataset's samples, in order
    private readonly Shape _rowShape;   // [FeatureCount]: how a batch holds one sample

    private LabeledDataset(float[] features, int[] labels, int[] rows, Shape sampleShape, int classCount)
    {
        _features = features;
        _labels = labels;
        _rows = rows;
        SampleShape = sampleShape;
        FeatureCount = sampleShape.ElementCount;
        ClassCount = classCount;
        _rowShape = [FeatureCount];
    }

    /// <summary>The number of samples (PyTorch's <c>len(dataset)</c>).</summary>
    public int Count => _rows.Length;

    /// <summary>The number of features of one sample: the product of <see cref="SampleShape"/> (784 for a 28 × 28 image).</summary>
    public int FeatureCount { get; }

    /// <summary>The shape of one sample before flattening: <c>[28, 28]</c> for MNIST.</summary>
    public Shape SampleShape { get; }

    /// <summary>The number of classes: every label is in [0, ClassCount).</summary>
    public int ClassCount { get; }

    /// <summary>[<see cref="FeatureCount"/>]: a batch holds each sample as one flat row.</summary>
    Shape IDataset.FeatureShape => _rowShape;

    /// <summary><c>[]</c>: the samples have class labels, not float targets.</summary>
    Shape IDataset.TargetShape => default;

    /// <summary>
    /// A dataset holding a copy of <paramref name="features"/> (<paramref name="labels"/>.Length rows of
    /// <paramref name="sampleShape"/>'s element count, row-major) and of <paramref name="labels"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not agree, a feature is NaN or ±∞, or a label is outside [0, <paramref name="classCount"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="features"/> or <paramref name="labels"/> is null.</exception>
    public static LabeledDataset FromArrays(float[] features, int[] labels, Shape sampleShape, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        CheckClassCount(classCount, "LabeledDataset.FromArrays");
        int featureCount = sampleShape.ElementCount;
        if ((long)labels.Length * featureCount != features.Length)
            throw new ArgumentException(
                $"LabeledDataset.FromArrays: {labels.Length} labels need {labels.Length} × {featureCount} (sample shape {sampleShape}) = {(long)labels.Length * featureCount} features, but {features.Length} were given.",
                nameof(features));
        // A NaN or ±∞ feature makes every loss and gradient of its batch NaN, silently: refuse it where it enters.
        for (int i = 0; i < features.Length; i++)
        {
            if (float.IsFinite(features[i])) continue;
            throw new ArgumentException(
                $"LabeledDataset.FromArrays: feature {i % featureCount} of example {i / featureCount} (sample shape {sampleShape}) is " +
                $"{features[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}; features must be finite numbers.", nameof(features));
        }
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException(
                    $"LabeledDataset.FromArrays: label {labels[i]} at index {i} is outside 0–{classCount - 1} ({classCount} classes).", nameof(labels));
        return new LabeledDataset((float[])features.Clone(), (int[])labels.Clone(), Identity(labels.Length), sampleShape, classCount);
    }

    /// <summary>
    /// Loads images and labels from two IDX files (raw or gzip), as torchvision's MNIST with
    /// <c>ToTensor()</c> and, optionally, <c>Normalize(mean, std)</c>: byte pixels become p / 255 in
    /// [0, 1] (pixels of other types keep their values), then (x − <paramref name="mean"/>) / <paramref name="std"/>.
    /// </summary>
    /// <param name="imagesPath">The images: an IDX array whose first dimension counts them (e.g. [60000, 28, 28]).</param>
    /// <param name="labelsPath">The labels: a one-dimensional IDX array of integers, one per image.</param>
    /// <param name="classCount">The number of classes; every label must be in [0, classCount).</param>
    /// <param name="mean">Subtracted from every feature after scaling (0: none).</param>
    /// <param name="std">Divides every feature after the mean is subtracted (1: none).</param>
    /// <exception cref="InvalidDataException">A file is malformed, the counts differ, or a label is out of range; the message names the file.</exception>
    public static LabeledDataset Load(string imagesPath, string labelsPath, int classCount = 10, float mean = 0, float std = 1)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        return FromIdx(IdxFile.Read(imagesPath), IdxFile.Read(labelsPath), classCount, mean, std, imagesPath, labelsPath);
    }

    /// <summary>
    /// A dataset from IDX arrays already read, with the scaling and normalisation of
    /// <see cref="Load"/>; <paramref name="imagesName"/> and <paramref name="labelsName"/> name them in errors.
    /// </summary>
    /// <exception cref="InvalidDataException">The counts differ, the labels are not a one-dimensional integer array, a label is out of range, or a feature is NaN or ±∞.</exception>
    public static LabeledDataset FromIdx(IdxArray images, IdxArray labels, int classCount = 10, float mean = 0, float std = 1,
        string imagesName = "images", string labelsName = "labels")
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(imagesName);
        ArgumentNullException.ThrowIfNull(labelsName);
        CheckClassCount(classCount, "LabeledDataset.FromIdx");
        CheckNormalization(mean, std);
        if (labels.Shape.Rank != 1 || !labels.ElementType.IsInteger())
            throw new InvalidDataException(
                $"Labels file '{labelsName}' holds {labels.ElementType} elements of shape {labels.Shape}; labels are a one-dimensional array of integers.");
        if (images.Count != labels.Count)
            throw new InvalidDataException(
                $"Images file '{imagesName}' holds {images.Count:N0} images but labels file '{labelsName}' holds {labels.Count:N0} labels; they must pair up one to one.");

        var classes = new int[labels.Count];
        for (int i = 0; i < classes.Length; i++)
        {
            double label = labels.GetValue(i);
            if (!(label >= 0 && label < classCount))
                throw new InvalidDataException(
                    $"Labels file '{labelsName}': label {label} at index {i} is outside 0–{classCount - 1}, the {classCount} classes expected.");
            classes[i] = (int)label;
        }

        var features = images.ToTensor().Storage<float>(); // a fresh array of its own: scaled in place below
        Shape sampleShape;
        try
        {
            sampleShape = Shape.Create(images.Shape.ToArray().AsSpan(1));
        }
        catch (ArgumentException e) // an empty file may declare images of any size: [0, 65536, 65536]
        {
            throw new InvalidDataException($"Images file '{imagesName}' of shape {images.Shape}: one image cannot be held. {e.Message}", e);
        }
        if (images.ElementType == IdxElementType.UInt8)
            for (int i = 0; i < features.Length; i++) features[i] /= 255f; // exactly torchvision's img.float().div(255)
        else
        {
            for (int i = 0; i < features.Length; i++) // only float elements (or doubles beyond float's range) can be NaN or ±∞
                if (!float.IsFinite(features[i]))
                    throw new InvalidDataException(
                        $"Images file '{imagesName}': feature {i % images.ItemSize} of image {i / images.ItemSize} (shape {sampleShape}) is " +
                        $"{features[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}; features must be finite numbers.");
        }
        NormalizeInPlace(features, mean, std);
        return new LabeledDataset(features, classes, Identity(classes.Length), sampleShape, classCount);
    }

    /// <summary>The features of sample <paramref name="index"/> (a row of <see cref="FeatureCount"/>), without copying.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<float> GetFeatures(int index) => _features.AsSpan(_rows[CheckIndex(index)] * FeatureCount, FeatureCount);

    /// <summary>The label of sample <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, <see cref="Count"/>).</exception>
    public int GetLabel(int index) => _labels[_rows[CheckIndex(index)]];

    /// <summary>Every label, in order (a copy).</summary>
    public int[] GetLabels()
    {
        var labels = new int[Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = _labels[_rows[i]];
        return labels;
    }

    /// <summary>Every sample's features as one float32 tensor of shape [<see cref="Count"/>, <see cref="FeatureCount"/>] (a copy).</summary>
    public Tensor ToTensor()
    {
        var tensor = Tensor.Uninitialized([Count, FeatureCount], DType.Float32);
        var destination = tensor.Span<float>();
        for (int i = 0; i < Count; i++) CopyFeatures(i, destination.Slice(i * FeatureCount, FeatureCount));
        return tensor;
    }

    /// <summary>How many samples each class has: element c counts the labels equal to c.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (int row in _rows) counts[_labels[row]]++;
        return counts;
    }

    /// <summary>The first <paramref name="count"/> samples (all of them if there are fewer): for quick runs and CI slices.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public LabeledDataset Take(int count)
    {
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"LabeledDataset.Take: count is {count}; expected a number of samples ≥ 0.");
        return count >= Count ? this : View(_rows.AsSpan(0, count).ToArray());
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order (repeats allowed), as PyTorch's <c>Subset</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    public LabeledDataset Subset(ReadOnlySpan<int> indices)
    {
        var rows = new int[indices.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i],
                    $"LabeledDataset.Subset: index {indices[i]} (position {i}) is outside the {Count} samples.");
            rows[i] = _rows[indices[i]];
        }
        return View(rows);
    }

    /// <summary>
    /// Splits the samples at random into disjoint datasets of the given sizes, which must add up to
    /// <see cref="Count"/>, as PyTorch's <c>random_split(dataset, lengths, generator)</c>: one random
    /// permutation of the samples, cut into consecutive pieces. The same generator state gives the same split.
    /// </summary>
    /// <exception cref="ArgumentException">A length is negative, or the lengths do not add up to <see cref="Count"/>.</exception>
    public LabeledDataset[] RandomSplit(int[] lengths, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(generator);
        long total = 0;
        foreach (int length in lengths)
        {
            if (length < 0)
                throw new ArgumentException($"RandomSplit: lengths [{string.Join(", ", lengths)}] include a negative one.", nameof(lengths));
            total += length;
        }
        if (total != Count)
            throw new ArgumentException(
                $"RandomSplit: lengths [{string.Join(", ", lengths)}] add up to {total}, but the dataset has {Count} samples.", nameof(lengths));
        var permutation = generator.Permutation(Count);
        var parts = new LabeledDataset[lengths.Length];
        for (int p = 0, start = 0; p < parts.Length; start += lengths[p], p++)
            parts[p] = Subset(permutation.AsSpan(start, lengths[p]));
        return parts;
    }

    /// <summary>
    /// Splits the samples at random into parts whose sizes are the given fractions of <see cref="Count"/>
    /// (adding up to 1), as PyTorch's <c>random_split(dataset, [0.9, 0.1], generator)</c>: each part gets
    /// ⌊fraction · Count⌋ samples, and the samples left over go one each to the parts in turn from the first.
    /// </summary>
    /// <exception cref="ArgumentException">A fraction is outside [0, 1], or they do not add up to 1.</exception>
    public LabeledDataset[] RandomSplit(double[] fractions, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(fractions);
        ArgumentNullException.ThrowIfNull(generator);
        double sum = 0;
        foreach (double fraction in fractions)
        {
            if (!(fraction >= 0 && fraction <= 1))
                throw new ArgumentException($"RandomSplit: fractions [{string.Join(", ", fractions)}] must each be in [0, 1].", nameof(fractions));
            sum += fraction;
        }
        if (fractions.Length == 0 || Math.Abs(sum - 1) > 1e-9)
            throw new ArgumentException($"RandomSplit: fractions [{string.Join(", ", fractions)}] add up to {sum}, not 1.", nameof(fractions));
        var lengths = new int[fractions.Length];
        int assigned = 0;
        for (int p = 0; p < lengths.Length; p++) assigned += lengths[p] = (int)Math.Floor(Count * fractions[p]);
        for (int p = 0; assigned < Count; p = (p + 1) % lengths.Length, assigned++) lengths[p]++;
        return RandomSplit(lengths, generator);
    }

    /// <summary>
    /// A copy whose features are (x − <paramref name="mean"/>) / <paramref name="std"/>, in float32 as
    /// PyTorch's <c>Normalize</c>; the usual values come from <see cref="FeatureMeanAndStd"/> on the training set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The mean is not finite, or the deviation not positive and finite.</exception>
    public LabeledDataset Normalize(float mean, float std)
    {
        CheckNormalization(mean, std);
        var features = new float[(long)Count * FeatureCount];
        var labels = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            CopyFeatures(i, features.AsSpan(i * FeatureCount, FeatureCount));
            labels[i] = _labels[_rows[i]];
        }
        NormalizeInPlace(features, mean, std);
        return new LabeledDataset(features, labels, Identity(Count), SampleShape, ClassCount);
    }

    /// <summary>
    /// The mean and the standard deviation (unbiased, as <c>torch.std</c>) of all features of all samples,
    /// accumulated in double: the constants for <see cref="Normalize"/> (0.2860 and 0.3530 for Fashion-MNIST's training images).
    /// </summary>
    public (double Mean, double Std) FeatureMeanAndStd()
    {
        long n = (long)Count * FeatureCount;
        if (n == 0) return (double.NaN, double.NaN);
        double sum = 0;
        foreach (int row in _rows)
            foreach (float x in _features.AsSpan(row * FeatureCount, FeatureCount)) sum += x;
        double mean = sum / n, squares = 0;
        foreach (int row in _rows)
            foreach (float x in _features.AsSpan(row * FeatureCount, FeatureCount)) squares += (x - mean) * (x - mean);
        return (mean, n > 1 ? Math.Sqrt(squares / (n - 1)) : double.NaN);
    }

    /// <summary>Copies each indexed sample's features to a row of <paramref name="features"/> and its label to <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    /// <exception cref="ArgumentException">A span's length does not fit the indices (<paramref name="targets"/> must be empty).</exception>
    void IDataset.CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
    {
        BatchBuffers.Check(this, nameof(LabeledDataset), indices, features, labels, targets);
        for (int k = 0; k < indices.Length; k++)
        {
            int row = _rows[indices[k]];
            _features.AsSpan(row * FeatureCount, FeatureCount).CopyTo(features.Slice(k * FeatureCount, FeatureCount));
            labels[k] = _labels[row];
        }
    }

    private void CopyFeatures(int index, Span<float> destination) =>
        _features.AsSpan(_rows[index] * FeatureCount, FeatureCount).CopyTo(destination);

    private LabeledDataset View(int[] rows) => new(_features, _labels, rows, SampleShape, ClassCount);

    private int CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"LabeledDataset: index {index} is outside the {Count} samples.");
        return index;
    }

    private static void NormalizeInPlace(Span<float> features, float mean, float std)
    {
        if (mean == 0 && std == 1) return;
        for (int i = 0; i < features.Length; i++) features[i] = (features[i] - mean) / std; // torch: x.sub_(mean).div_(std)
    }

    private static void CheckNormalization(float mean, float std)
    {
        if (!float.IsFinite(mean))
            throw new ArgumentOutOfRangeException(nameof(mean), mean, $"LabeledDataset: the normalisation mean is {mean}; it must be finite.");
        if (!(std > 0) || !float.IsFinite(std))
            throw new ArgumentOutOfRangeException(nameof(std), std, $"LabeledDataset: the normalisation standard deviation is {std}; it must be positive and finite.");
    }

    private static void CheckClassCount(int classCount, string op)
    {
        if (classCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"{op}: classCount is {classCount}; expected at least 1.");
    }

    private static int[] Identity(int count)
    {
        var rows = new int[count];
        for (int i = 0; i < count; i++) rows[i] = i;
        return rows;
    }
}
