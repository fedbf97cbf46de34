namespace MiniNet.Data;

/// <summary>The checks a built-in dataset makes on the buffers handed to <see cref="IDataset.CopyBatch"/> before copying into them.</summary>
internal static class BatchBuffers
{
    /// <summary>Every index is a sample of <paramref name="dataset"/>, and each span holds exactly the rows the indices fill.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, Count).</exception>
    /// <exception cref="ArgumentException">A span is too short or too long.</exception>
    public static void Check(IDataset dataset, string name, ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
    {
        int count = dataset.Count;
        for (int k = 0; k < indices.Length; k++)
            if ((uint)indices[k] >= (uint)count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[k],
                    $"{name}.CopyBatch: index {indices[k]} (position {k}) is outside the {count} samples.");
        bool labelled = dataset.ClassCount > 0;
        Shape featureShape = dataset.FeatureShape, targetShape = dataset.TargetShape;
        if (features.Length != (long)indices.Length * featureShape.ElementCount)
            throw WrongLength(name, nameof(features), features.Length, (long)indices.Length * featureShape.ElementCount, $"{indices.Length} rows of {featureShape}");
        if (labels.Length != (labelled ? indices.Length : 0))
            throw WrongLength(name, nameof(labels), labels.Length, labelled ? indices.Length : 0,
                labelled ? "one label per index" : "none: the samples have float targets");
        long targetLength = labelled ? 0 : (long)indices.Length * targetShape.ElementCount;
        if (targets.Length != targetLength)
            throw WrongLength(name, nameof(targets), targets.Length, targetLength,
                labelled ? "none: the samples have class labels" : $"{indices.Length} rows of {targetShape}");
    }

    private static ArgumentException WrongLength(string name, string parameter, int length, long expected, string what) =>
        new($"{name}.CopyBatch: {parameter} holds {length} elements; expected {expected} ({what}).", parameter);
}
