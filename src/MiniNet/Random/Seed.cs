using System.Globalization;

namespace MiniNet;

/// <summary>
/// A random seed: the 64 bits a <see cref="Generator"/> starts from. Every parameter that takes a seed takes this
/// type, so an <c>int</c>, <c>uint</c>, <c>long</c> or <c>ulong</c> converts to it implicitly (<c>seed: i + 1</c>
/// compiles), and every value of <c>ulong</c> stays reachable.
/// </summary>
/// <remarks>
/// A non-negative number is that number, so <c>seed: 3</c> and <c>seed: 3UL</c> give the same generator. A negative one
/// is taken as its 64-bit two's complement (−1 is 2⁶⁴ − 1), as PyTorch's <c>Generator.manual_seed</c> casts an
/// int64 to uint64.
/// </remarks>
public readonly struct Seed
{
    /// <summary>A seed of exactly these 64 bits.</summary>
    public Seed(ulong value) => Value = value;

    /// <summary>The seed's 64 bits.</summary>
    public ulong Value { get; }

    /// <summary>The seed <paramref name="value"/>; a negative value as its 64-bit two's complement.</summary>
    public static implicit operator Seed(int value) => new(unchecked((ulong)(long)value));

    /// <summary>The seed <paramref name="value"/>.</summary>
    public static implicit operator Seed(uint value) => new(value);

    /// <summary>The seed <paramref name="value"/>; a negative value as its 64-bit two's complement.</summary>
    public static implicit operator Seed(long value) => new(unchecked((ulong)value));

    /// <summary>The seed <paramref name="value"/>.</summary>
    public static implicit operator Seed(ulong value) => new(value);

    /// <summary>The seed as an unsigned decimal number.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
