namespace MiniNet.Tests.BadInputs;

/// <summary>Creating, reading and changing tensors.</summary>
internal static class TensorBadInputs
{
    private const string Area = "Tensors";

    public static IEnumerable<BadInput> Rows() =>
    [
    ];
}
