using MiniNet.Layers;

namespace MiniNet.Tests;

/// <summary>
/// Saving and restoring a generator's state, and the default-seeding story: one process-wide root, stream 0 (the root
/// itself) for the first thread to ask or the one that calls ManualSeed, <c>root ^ mix(k)</c> for the k-th other thread.
/// </summary>
/// <remarks>These tests change the process-wide root; they run one at a time within the class and leave root 0 behind.</remarks>
public sealed class GeneratorSeedingTests : IDisposable
{
    // SplitMix64's finaliser of k, from an independent Python implementation:
    //   z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M; z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M; z ^ (z >> 31)
    private static readonly ulong[] Mix = [0x0, 0x5692161d100b05e5, 0xdbd238973a2b148a, 0x1e535eede31428f0];

    public void Dispose() => Generator.ManualSeed(0); // as a fresh process: root 0, this thread stream 0

    [Fact]
    public void A_restored_state_continues_the_sequence_exactly_including_the_kept_normal_sample()
    {
        var generator = new Generator(5);
        generator.NextNormal(); // the polar method makes a pair: one is kept for the next call
        var state = generator.GetState();
        Assert.NotNull(state.SpareNormal);
        var expected = Draws(generator);

        var other = new Generator(99);
        other.SetState(state);
        Assert.Equal(expected, Draws(other));
        Assert.Equal(5UL, other.Seed);

        generator.SetState(state); // the same generator, rewound
        Assert.Equal(expected, Draws(generator));
    }

    [Fact]
    public void The_state_of_a_fresh_generator_is_its_four_splitmix_words_and_no_kept_sample()
    {
        // The first four SplitMix64 outputs from seed 0 (independent Python, as in GeneratorTests).
        var state = new Generator(0).GetState();
        Assert.Equal((0UL, 0xe220a8397b1dcdafUL, 0x6e789e6aa1b965f4UL, 0x06c45d188009454fUL, 0xf88bb8a8724c81ecUL),
            (state.Seed, state.S0, state.S1, state.S2, state.S3));
        Assert.Null(state.SpareNormal);
    }

    [Fact]
    public void ManualSeed_restarts_this_threads_default_in_place_from_the_seed_itself()
    {
        var before = Generator.Default;
        Generator.ManualSeed(42);
        var seeded = Generator.Default;
        Assert.Same(before, seeded); // a layer that holds the default follows the restart, as with torch.manual_seed
        Assert.Equal(42UL, seeded.Seed);
        Assert.Equal(Draws(new Generator(42)), Draws(seeded));
    }

    [Fact]
    public void Unseeded_the_thread_that_seeds_draws_seed_0s_numbers_as_before()
    {
        Generator.ManualSeed(0);
        Assert.Equal(Draws(new Generator(0)), Draws(Generator.Default));
    }

    [Fact]
    public void Other_threads_get_their_own_streams_root_xor_mix_k_and_never_the_same_one()
    {
        Generator.ManualSeed(42);
        ulong mainSeed = Generator.Default.Seed;
        var seeds = new ulong[4];
        var threads = new Thread[seeds.Length];
        for (int t = 0; t < threads.Length; t++)
        {
            int slot = t;
            threads[t] = new Thread(() => seeds[slot] = Generator.Default.Seed);
            threads[t].Start();
        }
        foreach (var thread in threads) thread.Join();

        Assert.Equal(42UL, mainSeed);
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
        foreach (ulong seed in seeds) Assert.InRange(StreamOf(seed, root: 42), 1, 10_000); // other test threads may have taken a few first
        // The first streams, pinned against the independent values.
        Assert.Equal(42 ^ Mix[1], Generator.StreamSeed(42, 1));
        Assert.Equal(42 ^ Mix[2], Generator.StreamSeed(42, 2));
        Assert.Equal(42 ^ Mix[3], Generator.StreamSeed(42, 3));
        Assert.Equal(42UL, Generator.StreamSeed(42, 0));
    }

    [Fact]
    public void A_thread_that_had_a_default_restarts_from_the_new_root_the_next_time_it_asks()
    {
        Generator.ManualSeed(1);
        ulong before = 0, after = 0;
        using var seeded = new ManualResetEventSlim();
        using var asked = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            before = Generator.Default.Seed;
            asked.Set();
            seeded.Wait();
            after = Generator.Default.Seed;
        });
        thread.Start();
        asked.Wait();
        Generator.ManualSeed(2);
        seeded.Set();
        thread.Join();

        Assert.InRange(StreamOf(before, root: 1), 1, 10_000); // a stream of root 1, not stream 0 (the seeding thread's)
        Assert.InRange(StreamOf(after, root: 2), 1, 10_000);  // then one of root 2
    }

    [Fact]
    public void Two_threads_building_unseeded_layers_get_different_weights()
    {
        Generator.ManualSeed(0);
        float[] First() => new Dense(3, 2).Weight.ToArray<float>();
        float[] main = First(), other = [];
        var thread = new Thread(() => other = First());
        thread.Start();
        thread.Join();
        Assert.NotEqual(main, other);
        Assert.Equal(new Dense(3, 2, seed: 0).Weight.ToArray<float>(), main); // this thread's: seed 0's numbers
    }

    private static double[] Draws(Generator generator) =>
        [generator.NextDouble(), generator.NextNormal(), generator.NextNormal(), generator.NextUInt64(), generator.NextNormal()];

    /// <summary>mix(k) for a small k, by the same independent formula as <see cref="Mix"/>.</summary>
    private static ulong Mix64(int k)
    {
        ulong z = (ulong)k;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The k for which <paramref name="seed"/> is <c>root ^ mix(k)</c>, searched up to 10,000; -1 if none.</summary>
    private static int StreamOf(ulong seed, ulong root)
    {
        for (int k = 0; k <= 10_000; k++)
            if ((root ^ Mix64(k)) == seed) return k;
        return -1;
    }
}
