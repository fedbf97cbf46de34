using System.Globalization;
using MiniNet.Data;

namespace MiniNet.Examples.FashionMnist;

/// <summary>
/// The input standardisation (x − mean) / std, with the training images' statistics. A saved model records it in
/// the safetensors metadata, so that <c>--load</c> feeds the model the inputs it was trained on.
/// </summary>
internal sealed record Normalization(float Mean, float Std)
{
    private const string MeanKey = "input_mean", StdKey = "input_std";

    public static Normalization None { get; } = new(0, 1);

    public bool IsNone => Mean == 0 && Std == 1;

    public LabeledDataset Apply(LabeledDataset data) => IsNone ? data : data.Normalize(Mean, Std);

    /// <summary>What a saved model's file records beside the weights: the network (which load_in_pytorch.py rebuilds) and this standardisation.</summary>
    public Dictionary<string, string> ToMetadata(FashionMnistOptions options)
    {
        var metadata = new Dictionary<string, string>
        {
            [MeanKey] = Mean.ToString("R", CultureInfo.InvariantCulture),
            [StdKey] = Std.ToString("R", CultureInfo.InvariantCulture),
        };
        if (options.Model == "cnn") metadata["format"] = "MiniNet examples/FashionMnist CNN";
        else (metadata["format"], metadata["hidden"]) = ("MiniNet examples/FashionMnist MLP", string.Join(' ', options.Hidden));
        return metadata;
    }

    /// <summary>The standardisation a file records, or none when it records none (a file written elsewhere).</summary>
    /// <exception cref="InvalidDataException">The file records only one of the two values, or one that is not a valid number.</exception>
    public static Normalization FromMetadata(IReadOnlyDictionary<string, string>? metadata, string path)
    {
        string? mean = null, std = null;
        bool hasMean = metadata?.TryGetValue(MeanKey, out mean) == true, hasStd = metadata?.TryGetValue(StdKey, out std) == true;
        if (!hasMean && !hasStd) return None;
        if (!hasMean || !hasStd)
            throw new InvalidDataException($"'{path}': the metadata records {(hasMean ? MeanKey : StdKey)} without {(hasMean ? StdKey : MeanKey)}; both or neither are expected.");
        if (!float.TryParse(mean, NumberStyles.Float, CultureInfo.InvariantCulture, out float m) || !float.IsFinite(m))
            throw new InvalidDataException($"'{path}': the metadata's {MeanKey} is '{mean}', not a finite number.");
        if (!float.TryParse(std, NumberStyles.Float, CultureInfo.InvariantCulture, out float s) || !(s > 0) || !float.IsFinite(s))
            throw new InvalidDataException($"'{path}': the metadata's {StdKey} is '{std}', not a positive finite number.");
        return new Normalization(m, s);
    }
}
