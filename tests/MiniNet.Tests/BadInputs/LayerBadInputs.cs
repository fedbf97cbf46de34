namespace MiniNet.Tests.BadInputs;

/// <summary>Modules, layers and initialisers.</summary>
internal static class LayerBadInputs
{
    private const string Area = "Layers";

    public static IEnumerable<BadInput> Rows() =>
    [
    ];
}
