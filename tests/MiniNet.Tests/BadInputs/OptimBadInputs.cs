namespace MiniNet.Tests.BadInputs;

/// <summary>Optimisers, schedules and gradient clipping.</summary>
internal static class OptimBadInputs
{
    private const string Area = "Optim";

    public static IEnumerable<BadInput> Rows() =>
    [
    ];
}
