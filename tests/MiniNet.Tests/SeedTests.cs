using MiniNet.Layers;

namespace MiniNet.Tests;

/// <summary>
/// Seeds: every parameter that takes one takes an int as well as a ulong (<c>seed: i + 1</c> compiles), a non-negative
/// int gives exactly what the same ulong gives, and a negative one is its 64-bit two's complement, as in PyTorch.
/// </summary>
public class SeedTests
{
    [Fact]
    public void An_int_seed_gives_what_the_same_ulong_gives_everywhere_a_seed_is_taken()
    {
        for (int i = 0; i < 3; i++)
        {
            // Each line compiles only because an int converts to a Seed: with ulong? parameters, seed: i + 1 was CS1503.
            var fromInt = new Dense(4, 3, seed: i + 1);
            var fromUlong = new Dense(4, 3, seed: (ulong)(i + 1));
            TestData.AssertBitwiseEqual(fromUlong.Weight, fromInt.Weight);
            TestData.AssertBitwiseEqual(fromUlong.Bias!, fromInt.Bias!);

            TestData.AssertBitwiseEqual(Tensor.Rand([5], (ulong)i), Tensor.Rand([5], seed: i));
            TestData.AssertBitwiseEqual(Tensor.Randn([5], (ulong)i, DType.Float64), Tensor.Randn([5], seed: i, DType.Float64));

            var dropped = new Dropout(0.5, seed: i).Forward(Tensor.Ones([16]));
            TestData.AssertBitwiseEqual(new Dropout(0.5, seed: (ulong)i).Forward(Tensor.Ones([16])), dropped);

            Assert.Equal(new Generator((ulong)i).NextUInt64(), new Generator(i).NextUInt64());
            Assert.Equal((ulong)i, new GradCheckOptions { Seed = i }.Seed.Value);
        }
    }

    [Fact]
    public void Long_and_uint_seeds_convert_too_and_every_ulong_stays_reachable()
    {
        long big = 1L << 40;
        Assert.Equal(1UL << 40, new Generator(big).Seed);
        Assert.Equal(0x8000_0000UL, new Generator(0x8000_0000).Seed); // a uint literal
        Assert.Equal(ulong.MaxValue, new Generator(ulong.MaxValue).Seed);
        Assert.Equal(7UL, new Generator(seed: 7).Seed);
        ulong? maybe = 9;
        Assert.Equal(new Dense(2, 2, seed: 9UL).Weight.ToArray<float>(), new Dense(2, 2, seed: maybe).Weight.ToArray<float>());
    }

    [Fact]
    public void A_negative_seed_is_its_64_bit_twos_complement_as_in_PyTorch()
    {
        // torch's Generator.manual_seed takes an int64 and casts it to uint64: −1 is 2⁶⁴ − 1, long.MinValue is 2⁶³.
        // First outputs from the independent SplitMix64 + xoshiro256** reference of GeneratorTests.
        Assert.Equal(ulong.MaxValue, new Generator(-1).Seed);
        Assert.Equal(0x8f5520d52a7ead08UL, new Generator(-1).NextUInt64());
        Assert.Equal(ulong.MaxValue, new Generator(-1L).Seed);
        Assert.Equal(1UL << 63, new Generator(long.MinValue).Seed);
        Assert.Equal(0xd01bfa9b44a998c3UL, new Generator(long.MinValue).NextUInt64());
        Assert.Equal(0xb358faf74ef9765aUL, new Generator(7).NextUInt64());
        TestData.AssertBitwiseEqual(new Dense(3, 2, seed: ulong.MaxValue).Weight, new Dense(3, 2, seed: -1).Weight);
    }

    [Fact]
    public void A_seed_prints_as_its_unsigned_value()
    {
        Assert.Equal("18446744073709551615", ((Seed)(-1)).ToString());
        Assert.Equal("42", new Seed(42).ToString());
    }
}
