namespace MiniNet.Tests.BadInputs;

/// <summary>The tape: backward, custom functions, gradient checks and concurrent use.</summary>
internal static class AutogradBadInputs
{
    private const string Area = "Autograd";

    public static IEnumerable<BadInput> Rows() =>
    [
    ];
}
