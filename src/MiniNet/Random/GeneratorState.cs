namespace MiniNet;

/// <summary>
/// The whole state of a <see cref="Generator"/> (what PyTorch's <c>Generator.get_state</c> returns as bytes): the
/// four 64-bit words of xoshiro256**, the normal sample kept for the next call, and the seed it started from. A
/// value, not a live view: <see cref="Generator.SetState"/> continues the sequence from it.
/// </summary>
public sealed class GeneratorState
{
    /// <summary>A state from its parts, for example as read back from a checkpoint.</summary>
    /// <param name="seed">The seed the sequence started from (reported by <see cref="Generator.Seed"/>; it does not affect the numbers).</param>
    /// <param name="s0">Word 0 of xoshiro256**'s state.</param>
    /// <param name="s1">Word 1.</param>
    /// <param name="s2">Word 2.</param>
    /// <param name="s3">Word 3.</param>
    /// <param name="spareNormal">The second sample of the last pair the polar method made, returned by the next <see cref="Generator.NextNormal"/>; null when there is none.</param>
    /// <exception cref="ArgumentException">All four words are 0 (xoshiro's one fixed point: it would draw 0 forever; no seed leads there).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="spareNormal"/> is NaN or infinite (the polar method never makes one).</exception>
    public GeneratorState(ulong seed, ulong s0, ulong s1, ulong s2, ulong s3, double? spareNormal)
    {
        if ((s0 | s1 | s2 | s3) == 0)
            throw new ArgumentException(
                "GeneratorState: the four state words are all 0, the one state xoshiro256** never leaves (it would draw 0 forever); " +
                "a state comes from Generator.GetState or a checkpoint, never all zeros.", nameof(s0));
        if (spareNormal is double spare && !double.IsFinite(spare))
            throw new ArgumentOutOfRangeException(nameof(spareNormal), spare, $"GeneratorState: spareNormal is {spare}; a normal sample is finite.");
        Seed = seed;
        (S0, S1, S2, S3) = (s0, s1, s2, s3);
        SpareNormal = spareNormal;
    }

    /// <summary>The seed the sequence started from.</summary>
    public ulong Seed { get; }

    /// <summary>Word 0 of xoshiro256**'s state (<c>s[0]</c> in its authors' code).</summary>
    public ulong S0 { get; }

    /// <summary>Word 1 of xoshiro256**'s state.</summary>
    public ulong S1 { get; }

    /// <summary>Word 2 of xoshiro256**'s state.</summary>
    public ulong S2 { get; }

    /// <summary>Word 3 of xoshiro256**'s state.</summary>
    public ulong S3 { get; }

    /// <summary>The normal sample the next <see cref="Generator.NextNormal"/> returns without drawing, or null.</summary>
    public double? SpareNormal { get; }
}
