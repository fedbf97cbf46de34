namespace MiniNet.Data;

/// <summary>Turns class labels into target rows for the output heads.</summary>
public static class Targets
{
    /// <summary>
    /// One row per label with a 1 in the label's column and 0 elsewhere: shape [labels, <paramref name="classCount"/>],
    /// as PyTorch's <c>one_hot(labels, num_classes).float()</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A label is outside [0, <paramref name="classCount"/>).</exception>
    public static Tensor OneHot(ReadOnlySpan<int> labels, int classCount, DType dtype = DType.Float32)
    {
        if (classCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"OneHot: classCount is {classCount}; expected at least 1.");
        var targets = Tensor.Zeros([labels.Length, classCount], dtype);
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException($"OneHot: label {labels[i]} at index {i} is outside 0–{classCount - 1} ({classCount} classes).", nameof(labels));
            Set(targets, i * classCount + labels[i]);
        }
        return targets;
    }

    /// <summary>
    /// One row per label holding its class's row of <paramref name="classAttributes"/> (1 where the class
    /// has the attribute, 0 elsewhere): shape [labels, attributes]. The targets of a multi-label model,
    /// where each sample may have several attributes at once.
    /// </summary>
    /// <param name="labels">The class of each sample.</param>
    /// <param name="classAttributes">Row c says which attributes class c has: [class count, attribute count].</param>
    /// <param name="dtype">The element type of the result.</param>
    /// <exception cref="ArgumentException">A label has no row in the table.</exception>
    public static Tensor MultiHot(ReadOnlySpan<int> labels, bool[,] classAttributes, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(classAttributes);
        int classCount = classAttributes.GetLength(0), attributeCount = classAttributes.GetLength(1);
        var targets = Tensor.Zeros([labels.Length, attributeCount], dtype);
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException(
                    $"MultiHot: label {labels[i]} at index {i} has no row in the attribute table, which covers classes 0–{classCount - 1}.", nameof(labels));
            for (int a = 0; a < attributeCount; a++)
                if (classAttributes[labels[i], a]) Set(targets, i * attributeCount + a);
        }
        return targets;
    }

    private static void Set(Tensor targets, int flatIndex) => targets.SetFlat(flatIndex, 1);
}
