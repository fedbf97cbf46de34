using MiniNet.Data;
using MiniNet.Reporting;

namespace MiniNet.Tests.NullArguments;

/// <summary>
/// The sites that <see cref="SampleArguments"/> cannot reach — a member that takes a span, which reflection cannot
/// pass — each with a call that passes null there (or a collection holding a null at position 1). Keyed by
/// <see cref="NullSite.Key"/>; a key that names no site fails the tests, so the table cannot go stale.
/// </summary>
internal static class NullArgumentRows
{
    public static IReadOnlyDictionary<string, Action> Calls { get; } = new Dictionary<string, Action>(StringComparer.Ordinal)
    {
        ["new ConfusionMatrix(ReadOnlySpan<int> predicted, ReadOnlySpan<int> targets, int classCount, IReadOnlyList<string> classNames): an element of classNames"] =
            () => _ = new ConfusionMatrix([0, 1], [0, 1], classCount: 2, classNames: ["zero", null!]),
        ["Targets.MultiHot(ReadOnlySpan<int> labels, bool[,] classAttributes, DType dtype): classAttributes"] =
            () => Targets.MultiHot([0, 1], classAttributes: null!),
    };
}
