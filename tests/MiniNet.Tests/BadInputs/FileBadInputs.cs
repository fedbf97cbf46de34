namespace MiniNet.Tests.BadInputs;

/// <summary>IDX and safetensors files, model save and load.</summary>
internal static class FileBadInputs
{
    private const string Area = "Files";

    public static IEnumerable<BadInput> Rows() =>
    [
    ];
}
