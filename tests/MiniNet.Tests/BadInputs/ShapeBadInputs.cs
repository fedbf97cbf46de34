namespace MiniNet.Tests.BadInputs;

/// <summary>Shapes and element counts: 64-bit size arithmetic, broadcasting, concat, reshape, matmul and reductions.</summary>
internal static class ShapeBadInputs
{
    private const string Area = "Shapes";

    public static IEnumerable<BadInput> Rows() =>
    [
        BadInput.Of<ArgumentException>(Area, "a negative dimension", () => Shape.Create([2, -1]), "Shape", "dimension -1", "[2, -1]", "negative"),
    ];
}
