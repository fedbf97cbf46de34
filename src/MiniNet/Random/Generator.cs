namespace MiniNet;

/// <summary>
/// MiniNet's pseudo-random number generator: xoshiro256** seeded through SplitMix64. Unlike
/// <see cref="System.Random"/>, whose sequence is an implementation detail of each .NET version, a seed gives
/// the same numbers on every runtime and machine: uniforms use integer arithmetic only, and normals use
/// only IEEE-exact operations plus MiniNet's own portable logarithm.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: give each thread its own generator (for example seeded from this one with <see cref="Fork"/>).</para>
/// <para><b>Default seeding</b>, as PyTorch's <c>torch.manual_seed</c>: where no seed or generator is given (a layer's
/// initialisation, dropout), MiniNet draws from <see cref="Default"/>, the calling thread's default generator. Every
/// thread's default comes from one process-wide root seed, 0 until <see cref="ManualSeed"/> sets it: the first thread to
/// ask (in a program, its main thread) gets stream 0, seeded with the root itself, so an unseeded program is
/// reproducible and draws what <c>new Generator(0)</c> draws; the k-th thread to ask gets stream k, seeded with
/// <c>root ^ mix(k)</c>, where mix is SplitMix64's finaliser. mix is a bijection with mix(0) = 0, so no two streams
/// share a seed, and threads never build identical layers by accident. Which thread gets which stream k ≥ 1 follows
/// the order in which threads first ask; code that must be reproducible on several threads gives each one its own
/// generator.</para>
/// <para><see cref="GetState"/> and <see cref="SetState"/> save and restore the whole state (PyTorch's
/// <c>get_state</c>/<c>set_state</c>), so a resumed run draws the numbers an uninterrupted one would have drawn.</para>
/// </remarks>
public sealed class Generator
{
    private static readonly Lock s_seeding = new();
    private static ulong s_rootSeed;
    private static int s_generation; // bumped by ManualSeed: each thread's default is derived again
    private static ulong s_nextStream;
    [ThreadStatic] private static Generator? t_default;
    [ThreadStatic] private static int t_generation;

    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpareNormal;

    /// <summary>Creates a generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public Generator(Seed seed) => Reseed(seed.Value);

    /// <summary>
    /// The calling thread's default generator, used where no seed or generator is given (for example by a layer's
    /// initialisation). Derived from the process-wide root seed (see <see cref="ManualSeed"/>): the first thread to ask
    /// gets the root itself (seed 0 unless set), so even unseeded programs are reproducible; the k-th gets
    /// <c>root ^ mix(k)</c> (SplitMix64's finaliser), so no two threads share a sequence. A thread always gets the same
    /// object; <see cref="ManualSeed"/> restarts it in place.
    /// </summary>
    public static Generator Default
    {
        get
        {
            var current = t_default;
            if (current is not null && t_generation == Volatile.Read(ref s_generation)) return current;
            ulong seed;
            lock (s_seeding)
            {
                seed = StreamSeed(s_rootSeed, s_nextStream++);
                t_generation = s_generation;
            }
            return UseAsDefault(seed);
        }
    }

    /// <summary>
    /// Seeds the process-wide root of the default generators, as PyTorch's <c>torch.manual_seed</c>: the calling
    /// thread's <see cref="Default"/> restarts at once from <paramref name="seed"/> itself (stream 0, in place, so a
    /// layer that holds it follows), and every other thread's restarts from the next stream of the new root the next
    /// time that thread reads <see cref="Default"/>. Explicitly seeded generators are not affected.
    /// </summary>
    public static void ManualSeed(Seed seed)
    {
        lock (s_seeding)
        {
            s_rootSeed = seed.Value;
            s_nextStream = 1; // stream 0 is this thread's
            t_generation = ++s_generation;
        }
        UseAsDefault(seed.Value);
    }

    /// <summary>The seed of default stream <paramref name="stream"/> under <paramref name="root"/>: <c>root ^ mix(stream)</c>, a bijection of the stream with stream 0 the root itself.</summary>
    internal static ulong StreamSeed(ulong root, ulong stream) => root ^ Mix(stream);

    /// <summary>The calling thread's default, restarted from <paramref name="seed"/> (created on first use).</summary>
    private static Generator UseAsDefault(ulong seed)
    {
        if (t_default is { } existing) existing.Reseed(seed);
        else t_default = new Generator(seed);
        return t_default;
    }

    /// <summary>The seed this generator started from (or, after <see cref="SetState"/>, the one the restored state started from).</summary>
    public ulong Seed { get; private set; }

    /// <summary>
    /// A copy of the whole state (PyTorch's <c>Generator.get_state</c>): the 256 bits of xoshiro256**, the normal
    /// sample the polar method keeps for the next call, and the seed. <see cref="SetState"/> with it continues the
    /// sequence exactly from here, in this generator or another.
    /// </summary>
    public GeneratorState GetState() =>
        new(Seed, _s0, _s1, _s2, _s3, _hasSpareNormal ? _spareNormal : null);

    /// <summary>Restores a state taken by <see cref="GetState"/> (PyTorch's <c>Generator.set_state</c>): the next numbers are those that followed it.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    public void SetState(GeneratorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Seed = state.Seed;
        (_s0, _s1, _s2, _s3) = (state.S0, state.S1, state.S2, state.S3);
        _hasSpareNormal = state.SpareNormal.HasValue;
        _spareNormal = state.SpareNormal ?? 0;
    }

    private void Reseed(ulong seed)
    {
        Seed = seed;
        // SplitMix64 spreads any seed, including 0, over the 256-bit state (the seeding its authors recommend).
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
        _hasSpareNormal = false;
        _spareNormal = 0;
    }

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

    private static ulong SplitMix64(ref ulong x) => Mix(x += 0x9E3779B97F4A7C15UL);

    /// <summary>SplitMix64's finaliser: a bijection of 64-bit words (each step is invertible) with Mix(0) = 0.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
