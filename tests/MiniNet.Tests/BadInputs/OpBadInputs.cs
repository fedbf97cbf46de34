namespace MiniNet.Tests.BadInputs;

/// <summary>Differentiable ops: arithmetic, activations, math, reductions, softmax, matmul.</summary>
internal static class OpBadInputs
{
    private const string Area = "Ops";

    public static IEnumerable<BadInput> Rows() =>
    [
    ];
}
