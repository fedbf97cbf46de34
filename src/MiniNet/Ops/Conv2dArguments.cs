namespace MiniNet;

/// <summary>
/// A (height, width) pair of a 2-d op's hyperparameter (kernel size, stride, dilation), as PyTorch's <c>_size_2_t</c>:
/// a single number stands for both, so <c>3</c> and <c>(3, 3)</c> mean the same.
/// </summary>
/// <param name="Height">Along the rows (dimension −2).</param>
/// <param name="Width">Along the columns (dimension −1).</param>
public readonly record struct Size2d(int Height, int Width)
{
    /// <summary>The same number along both dimensions.</summary>
    public static implicit operator Size2d(int both) => new(both, both);

    /// <summary>A (height, width) pair.</summary>
    public static implicit operator Size2d((int Height, int Width) pair) => new(pair.Height, pair.Width);

    /// <summary>As PyTorch prints a pair: <c>(3, 3)</c>.</summary>
    public override string ToString() => $"({Height}, {Width})";
}

/// <summary>
/// The zero padding of a 2-d convolution, as PyTorch's <c>padding</c> argument: numbers (one for both sides of each
/// dimension), or <c>"valid"</c> (none) or <c>"same"</c> (the output keeps the input's size; stride 1 only).
/// </summary>
public readonly record struct Padding2d
{
    /// <summary>Explicit padding: <paramref name="height"/> rows above and below, <paramref name="width"/> columns left and right.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A padding is negative.</exception>
    public Padding2d(int height, int width)
    {
        if (height < 0 || width < 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"Conv2d: padding must not be negative, got ({height}, {width}).");
        Height = height;
        Width = width;
    }

    // 0: numbers, 1: "same", 2: "valid" (which pads nothing, as 0 does, but prints as PyTorch prints it).
    private readonly byte _mode;

    private Padding2d(byte mode) => _mode = mode;

    /// <summary>No padding (PyTorch's <c>"valid"</c>).</summary>
    public static Padding2d Valid => new(mode: 2);

    /// <summary>Pads so that the output has the input's size (stride 1); an odd total puts the extra row/column at the bottom/right, as PyTorch.</summary>
    public static Padding2d Same => new(mode: 1);

    /// <summary>Rows added above and below (0 for <see cref="Same"/>, whose padding depends on the kernel).</summary>
    public int Height { get; }

    /// <summary>Columns added left and right (0 for <see cref="Same"/>).</summary>
    public int Width { get; }

    /// <summary>Whether this is <c>"same"</c> padding.</summary>
    public bool IsSame => _mode == 1;

    /// <summary>Whether this is given as numbers (rather than "same" or "valid").</summary>
    public bool IsNumbers => _mode == 0;

    /// <summary>The same padding on all four sides.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The padding is negative.</exception>
    public static implicit operator Padding2d(int both) => new(both, both);

    /// <summary>Padding (rows, columns).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A padding is negative.</exception>
    public static implicit operator Padding2d((int Height, int Width) pair) => new(pair.Height, pair.Width);

    /// <summary><c>"same"</c> or <c>"valid"</c>, as PyTorch spells them.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="mode"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="mode"/> is neither "same" nor "valid".</exception>
    public static implicit operator Padding2d(string mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        return mode switch
        {
            "same" => Same,
            "valid" => Valid,
            _ => throw new ArgumentException($"Conv2d: padding must be numbers, \"same\" or \"valid\", got \"{mode}\".", nameof(mode)),
        };
    }

    /// <summary>As PyTorch prints it: <c>(1, 1)</c>, <c>same</c> or <c>valid</c>.</summary>
    public override string ToString() => _mode switch { 1 => "same", 2 => "valid", _ => $"({Height}, {Width})" };
}
