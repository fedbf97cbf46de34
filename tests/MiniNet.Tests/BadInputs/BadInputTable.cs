namespace MiniNet.Tests.BadInputs;

/// <summary>Every area's bad inputs in one table: the theory in <see cref="BadInputTests"/> runs each row.</summary>
internal static class BadInputTable
{
    /// <summary>The longest message any refusal may have: an error names what is wrong and stops ("and N more").</summary>
    public const int MaxMessageLength = 2_000;

    // Each area keeps its rows in a file of its own.
    private static readonly Func<IEnumerable<BadInput>>[] Sources =
    [
        ShapeBadInputs.Rows,
        AutogradBadInputs.Rows,
        TensorBadInputs.Rows,
        OpBadInputs.Rows,
        HeadBadInputs.Rows,
        LayerBadInputs.Rows,
        ConvolutionBadInputs.Rows,
        NormalizationBadInputs.Rows,
        PoolingBadInputs.Rows,
        OptimBadInputs.Rows,
        DataBadInputs.Rows,
        FileBadInputs.Rows,
        ReportingBadInputs.Rows,
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, BadInput>> s_byKey = new(() =>
    {
        var byKey = new Dictionary<string, BadInput>();
        foreach (var row in Sources.SelectMany(source => source()))
            if (!byKey.TryAdd(row.Key, row))
                throw new InvalidOperationException($"Two bad-input rows are named \"{row.Key}\"; names must be unique within an area.");
        return byKey;
    });

    public static IReadOnlyDictionary<string, BadInput> ByKey => s_byKey.Value;
}
