namespace MiniNet;

/// <summary>
/// MiniNet's pseudo-random number generator: xoshiro256** seeded through SplitMix64. Unlike
/// <see cref="System.Random"/>, whose sequence is an implementation detail of each .NET version, a seed gives
/// the same numbers on every runtime and machine: uniforms use integer arithmetic only, and normals use
/// only IEEE-exact operations plus MiniNet's own portable logarithm.
/// </summary>
/// <remarks>Not thread-safe: give each thread its own generator (for example seeded from this one with <see cref="Fork"/>).</remarks>
public sealed class Generator
{
    [ThreadStatic] private static Generator? t_default;
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpareNormal;

    /// <summary>Creates a generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public Generator(Seed seed)
    {
        Seed = seed.Value;
        // SplitMix64 spreads any seed, including 0, over the 256-bit state (the seeding its authors recommend).
        ulong x = seed.Value;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>
    /// The calling thread's default generator, used where no seed or generator is given (for example by
    /// a layer's initialisation). It starts from seed 0, so even unseeded programs are reproducible;
    /// <see cref="ManualSeed"/> restarts it, as PyTorch's <c>torch.manual_seed</c>.
    /// </summary>
    public static Generator Default => t_default ??= new Generator(0);

    /// <summary>Restarts the calling thread's <see cref="Default"/> generator from <paramref name="seed"/>.</summary>
    public static void ManualSeed(Seed seed) => t_default = new Generator(seed);

    /// <summary>The seed this generator started from.</summary>
    public ulong Seed { get; }

    /// <summary>The next 64 uniformly distributed bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, $"Generator.NextInt: maxExclusive is {maxExclusive}; the bound must be positive.");
        ulong bound = (ulong)maxExclusive;
        ulong product = (NextUInt64() >> 32) * bound; // < 2^63: no overflow
        ulong low = product & uint.MaxValue;
        if (low < bound)
        {
            ulong threshold = (0x1_0000_0000UL - bound) % bound;
            while (low < threshold)
            {
                product = (NextUInt64() >> 32) * bound;
                low = product & uint.MaxValue;
            }
        }
        return (int)(product >> 32);
    }

    /// <summary>
    /// A standard normal sample (mean 0, variance 1) by Marsaglia's polar method, which needs only
    /// <see cref="Math.Sqrt"/> (exact in IEEE 754) and a logarithm (MiniNet's portable one), so it is
    /// bit-identical everywhere.
    /// </summary>
    public double NextNormal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);
        double scale = Math.Sqrt(-2.0 * PortableMath.Log(s) / s);
        _spareNormal = v * scale;
        _hasSpareNormal = true;
        return u * scale;
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates), the same way for the same state everywhere.</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A permutation of 0 … <paramref name="count"/> − 1, as <c>torch.randperm</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public int[] Permutation(int count)
    {
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Generator.Permutation: count is {count}; expected ≥ 0.");
        var permutation = new int[count];
        for (int i = 0; i < count; i++) permutation[i] = i;
        Shuffle<int>(permutation);
        return permutation;
    }

    /// <summary>A new, independent generator seeded from this one's next output (advances this generator).</summary>
    public Generator Fork() => new(NextUInt64());

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
