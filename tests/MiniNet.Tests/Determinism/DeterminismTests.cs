using System.Runtime.Intrinsics;
using System.Text;
using Xunit.Abstractions;

namespace MiniNet.Tests.Determinism;

/// <summary>
/// A seeded computation gives the same bits on every CPU .NET runs on, for any thread count: each section of
/// <see cref="DeterminismSuite"/> hashes to the value pinned here. <c>.ci/run</c> runs this suite with the default
/// settings, with <c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c> and <c>DOTNET_EnableHWIntrinsic=0</c>, and
/// with <c>MININET_NUM_THREADS=1</c>: every run must reach the same hashes.
/// </summary>
/// <remarks>
/// A pinned hash changes only when MiniNet's numerics change on purpose; the commit that changes one says why.
/// </remarks>
public class DeterminismTests(ITestOutputHelper output)
{
    /// <summary>The hash of every section, the same on AVX-512, AVX2, SSE/AdvSimd and scalar code, for any thread count.</summary>
    private static readonly IReadOnlyDictionary<string, string> Pinned = new Dictionary<string, string>
    {
        ["unary ops"] = "6a0a96a96a61fe4c",
        ["binary ops"] = "501636952a3c8af3",
        ["reductions and softmax"] = "1fc9e6ff38730d33",
        ["matmul and linear"] = "6533db1d10fcfa99",
        ["conv2d"] = "e0ada180858e66b3",
        ["layer_norm"] = "374d69b1568abc42",
        ["pooling"] = "eb582ddfe365ed3c",
        ["batch_norm"] = "b6687399805486d3",
        ["softmax head"] = "8fbc119e06575b80",
        ["sigmoid head"] = "5dd524e92ffe866f",
        ["optimisers"] = "5d18fe6a0f4750b8",
        ["clipping and dropout"] = "edafbf701685e115",
        ["training on the shipped subset"] = "e4f273342e47553f",
    };

    public static TheoryData<string> Sections()
    {
        var names = new TheoryData<string>();
        foreach (string name in DeterminismSuite.Sections.Keys) names.Add(name);
        return names;
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Every_section_reaches_its_pinned_hash(string section)
    {
        using var hash = new ResultHash();
        DeterminismSuite.Sections[section](hash);
        string actual = hash.Finish();
        output.WriteLine($"determinism {section}: {actual} ({hash.Count} results; {Path()})");
        Assert.True(hash.Count > 0, $"{section} hashed nothing");
        Assert.True(Pinned[section] == actual,
            $"{section}: the results hash to {actual}, not the pinned {Pinned[section]} ({Path()}). If MiniNet's numerics changed on " +
            "purpose, pin the new hash and say why in the commit; if not, a kernel now depends on the CPU, the vector width or the thread count.");
    }

    [Fact]
    public void Every_section_is_pinned()
    {
        Assert.Equal(DeterminismSuite.Sections.Keys.Order(), Pinned.Keys.Order());
    }

    /// <summary>The SIMD path and thread count this run takes, for the record in the test output.</summary>
    private static string Path()
    {
        string width = Vector512.IsHardwareAccelerated ? "512-bit" : Vector256.IsHardwareAccelerated ? "256-bit"
            : Vector128.IsHardwareAccelerated ? "128-bit" : "scalar";
        return new StringBuilder(width).Append(" vectors, ").Append(Parallelism.MaxThreads).Append(" kernel threads").ToString();
    }
}
