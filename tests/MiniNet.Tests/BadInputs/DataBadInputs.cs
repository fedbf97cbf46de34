namespace MiniNet.Tests.BadInputs;

/// <summary>Datasets, targets and data loaders.</summary>
internal static class DataBadInputs
{
    private const string Area = "Data";

    public static IEnumerable<BadInput> Rows() =>
    [
    ];
}
