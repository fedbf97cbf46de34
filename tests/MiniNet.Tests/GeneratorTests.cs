namespace MiniNet.Tests;

/// <summary>MiniNet's PRNG: pinned reference values, distributions, reproducibility, and the portable logarithm.</summary>
public class GeneratorTests
{
    // Reference values from an independent implementation of SplitMix64 seeding + xoshiro256** and the polar
    // method, in Python (/usr/bin/python3; math.log for the logarithm):
    //   M = (1 << 64) - 1
    //   def splitmix(x): x = (x + 0x9E3779B97F4A7C15) & M; z = x; z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    //                    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M; return x, z ^ (z >> 31)
    //   state: four successive splitmix outputs from the seed; next: r = rotl(s1 * 5, 7) * 9; t = s1 << 17;
    //   s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)
    //   double: (next() >> 11) * 2**-53; normal: u, v = 2·double − 1 until 0 < s = u² + v² < 1,
    //   then u·√(−2 ln s / s), keeping v·√(−2 ln s / s) for the next call.
    public static readonly TheoryData<ulong, ulong[], double[], double[]> References = new()
    {
        {
            0,
            [0x99ec5f36cb75f2b4, 0xbf6e1f784956452a, 0x1a5f849d4933e6e0, 0x6aa594f1262d2d2c],
            [0.6012629994179048, 0.7477740925472398, 0.10301998939503632, 0.4165890778296456],
            [0.5981026483626094, 1.4634599192204392, -0.8950525532379914, -0.1880627660388742]
        },
        {
            42,
            [0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1, 0xecb8ad4703b360a1],
            [0.08386297105988216, 0.3789802506626686, 0.6800434110281394, 0.9246929453253876],
            [-0.7262191382447857, -0.21119691823195985, 0.2216227015035933, 0.5227716877560146]
        },
    };

    [Theory]
    [MemberData(nameof(References))]
    public void Pinned_reference_values_never_change(ulong seed, ulong[] bits, double[] uniforms, double[] normals)
    {
        var generator = new Generator(seed);
        Assert.Equal(bits, Enumerable.Range(0, 4).Select(_ => generator.NextUInt64()));
        generator = new Generator(seed);
        Assert.Equal(uniforms, Enumerable.Range(0, 4).Select(_ => generator.NextDouble()));
        generator = new Generator(seed);
        Assert.Equal(normals, Enumerable.Range(0, 4).Select(_ => generator.NextNormal()));
        Assert.Equal(seed, generator.Seed);
    }

    [Fact]
    public void Uniform_doubles_and_singles_lie_in_zero_one_with_the_right_moments()
    {
        var generator = new Generator(1);
        const int count = 100_000;
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < count; i++)
        {
            double u = generator.NextDouble();
            float f = generator.NextSingle();
            Assert.InRange(u, 0.0, Math.BitDecrement(1.0));
            Assert.InRange(f, 0f, MathF.BitDecrement(1f));
            sum += u;
            sumSquares += u * u;
        }
        // Mean 1/2 and variance 1/12; the standard errors are 0.0009 and 0.0003: allow five of them.
        Assert.Equal(0.5, sum / count, 0.0045);
        Assert.Equal(1.0 / 12, sumSquares / count - Math.Pow(sum / count, 2), 0.0015);
    }

    [Fact]
    public void Normals_have_mean_zero_variance_one_and_normal_tails()
    {
        var generator = new Generator(2);
        const int count = 100_000;
        double sum = 0, sumSquares = 0, sumFourth = 0;
        int beyondTwo = 0;
        for (int i = 0; i < count; i++)
        {
            double z = generator.NextNormal();
            sum += z;
            sumSquares += z * z;
            sumFourth += z * z * z * z;
            if (Math.Abs(z) > 2) beyondTwo++;
        }
        Assert.Equal(0, sum / count, 0.016);             // standard error 0.0032
        Assert.Equal(1, sumSquares / count, 0.023);      // standard error √2/√n = 0.0045
        Assert.Equal(3, sumFourth / count, 0.15);        // the normal's kurtosis; standard error ≈ 0.03
        Assert.Equal(0.0455, beyondTwo / (double)count, 0.0033); // P(|z| > 2); standard error 0.00066
    }

    [Fact]
    public void Rand_and_Randn_are_reproducible_bit_for_bit_and_seeds_differ()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            TestData.AssertBitwiseEqual(Tensor.Rand([3, 7], 5, dtype), Tensor.Rand([3, 7], 5, dtype));
            TestData.AssertBitwiseEqual(Tensor.Randn([3, 7], 5, dtype), Tensor.Randn([3, 7], 5, dtype));
            Assert.NotEqual(TestData.Values(Tensor.Rand([3, 7], 5, dtype)), TestData.Values(Tensor.Rand([3, 7], 6, dtype)));
            Assert.NotEqual(TestData.Values(Tensor.Randn([3, 7], 5, dtype)), TestData.Values(Tensor.Randn([3, 7], 6, dtype)));
        }
        // Randn in float64 is the generator's normals in order; Rand its uniforms.
        var generator = new Generator(42);
        Assert.Equal(Enumerable.Range(0, 4).Select(_ => generator.NextNormal()), Tensor.Randn([2, 2], 42, DType.Float64).ToArray<double>());
        generator = new Generator(42);
        Assert.Equal(Enumerable.Range(0, 4).Select(_ => generator.NextDouble()), Tensor.Rand([4], 42, DType.Float64).ToArray<double>());
    }

    [Fact]
    public void NextInt_stays_in_range_and_is_unbiased()
    {
        var generator = new Generator(3);
        Assert.Equal(0, generator.NextInt(1));
        // bound = 3·2^29: modulo reduction of 32 random bits would give [0, 2^30) probability 3/4 instead of 2/3,
        // and multiply-shift without rejection would make residues mod 3 uneven (3/8, 3/8, 1/4).
        const int bound = 3 << 29, count = 30_000;
        int low = 0;
        var residues = new int[3];
        for (int i = 0; i < count; i++)
        {
            int r = generator.NextInt(bound);
            Assert.InRange(r, 0, bound - 1);
            if (r < 1 << 30) low++;
            residues[r % 3]++;
        }
        Assert.Equal(2.0 / 3, low / (double)count, 0.014); // five standard errors
        foreach (int n in residues) Assert.Equal(1.0 / 3, n / (double)count, 0.014);

        var small = new int[7];
        for (int i = 0; i < 70_000; i++) small[generator.NextInt(7)]++;
        foreach (int n in small) Assert.InRange(n, 10_000 - 450, 10_000 + 450); // five standard errors

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => generator.NextInt(0));
        Assert.Contains("the bound must be positive", error.Message);
    }

    [Fact]
    public void Permutation_is_a_permutation_and_uniform_over_orders()
    {
        var generator = new Generator(4);
        foreach (int n in new[] { 0, 1, 2, 10, 1000 })
            Assert.Equal(Enumerable.Range(0, n), generator.Permutation(n).Order());
        Assert.NotEqual(new Generator(5).Permutation(50), new Generator(6).Permutation(50));
        Assert.Equal(new Generator(5).Permutation(50), new Generator(5).Permutation(50));

        var counts = new Dictionary<string, int>();
        for (int i = 0; i < 60_000; i++)
        {
            string key = string.Join(",", generator.Permutation(3));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(6, counts.Count);
        foreach (int c in counts.Values) Assert.InRange(c, 10_000 - 500, 10_000 + 500); // five standard errors
    }

    [Fact]
    public void Fork_gives_an_independent_generator_determined_by_the_parent()
    {
        var a = new Generator(7).Fork();
        var b = new Generator(7).Fork();
        Assert.Equal(a.NextUInt64(), b.NextUInt64());
        var parent = new Generator(7);
        var child = parent.Fork();
        Assert.NotEqual(parent.NextUInt64(), child.NextUInt64());
    }

    [Fact]
    public void PortableMath_Log_is_within_one_ulp_of_Math_Log()
    {
        var generator = new Generator(8);
        var samples = new List<double>();
        for (int i = 0; i < 20_000; i++)
        {
            samples.Add(BitConverter.Int64BitsToDouble((long)(generator.NextUInt64() >> 1)));              // any positive double, subnormals included
            samples.Add(BitConverter.Int64BitsToDouble((long)(generator.NextUInt64() >> 12)));             // subnormals only
            samples.Add(1 + (generator.NextDouble() - 0.5) * 1e-6);                                        // 1 ± tiny
            samples.Add(generator.NextDouble() * 4);                                                       // ordinary values
            samples.Add(double.MaxValue * generator.NextDouble());                                         // huge
        }
        samples.AddRange([double.Epsilon, double.MaxValue, 1, Math.BitIncrement(1), Math.BitDecrement(1), 2, 0.5, Math.E, 1e-300]);
        foreach (double x in samples)
        {
            if (x == 0 || !double.IsFinite(x)) continue;
            double expected = Math.Log(x), actual = PortableMath.Log(x);
            Assert.True(expected == actual || (Math.Sign(expected) == Math.Sign(actual) && TestData.UlpDistance(expected, actual) <= 1),
                $"log({x:R}): Math.Log {expected:R}, PortableMath.Log {actual:R}");
        }
    }

    [Fact]
    public void PortableMath_Log_handles_the_special_values_as_IEEE()
    {
        Assert.Equal(0.0, PortableMath.Log(1));
        Assert.Equal(double.NegativeInfinity, PortableMath.Log(0));
        Assert.Equal(double.NegativeInfinity, PortableMath.Log(-0.0));
        Assert.True(double.IsNaN(PortableMath.Log(-1)));
        Assert.True(double.IsNaN(PortableMath.Log(double.NaN)));
        Assert.Equal(double.PositiveInfinity, PortableMath.Log(double.PositiveInfinity));
        Assert.True(double.IsNaN(PortableMath.Log(double.NegativeInfinity)));
    }
}
