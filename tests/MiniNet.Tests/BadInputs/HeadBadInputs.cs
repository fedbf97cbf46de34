namespace MiniNet.Tests.BadInputs;

/// <summary>The fused heads and losses.</summary>
internal static class HeadBadInputs
{
    private const string Area = "Heads";

    public static IEnumerable<BadInput> Rows() =>
    [
    ];
}
