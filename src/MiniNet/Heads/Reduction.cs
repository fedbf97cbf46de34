namespace MiniNet;

/// <summary>How a loss combines its per-example terms, as PyTorch's <c>reduction=</c> argument.</summary>
public enum Reduction
{
    /// <summary>
    /// The average (the default). Each loss documents what it divides by: the element count, the number of
    /// rows, or the total weight of the rows that count.
    /// </summary>
    Mean,

    /// <summary>The sum of the terms.</summary>
    Sum,

    /// <summary>No reduction: one loss per element (binary cross-entropy) or per row (cross-entropy).</summary>
    None,
}
