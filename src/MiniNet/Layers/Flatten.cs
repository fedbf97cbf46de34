namespace MiniNet.Layers;

/// <summary>Flattens dimensions <see cref="StartAxis"/> … <see cref="EndAxis"/> into one, as PyTorch's <c>nn.Flatten</c> (by default all but the batch axis).</summary>
/// <param name="startAxis">The first axis to merge.</param>
/// <param name="endAxis">The last axis to merge.</param>
public sealed class Flatten(int startAxis = 1, int endAxis = -1) : Module
{
    /// <summary>The first axis to merge.</summary>
    public int StartAxis { get; } = startAxis;

    /// <summary>The last axis to merge.</summary>
    public int EndAxis { get; } = endAxis;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Flatten(StartAxis, EndAxis);
    }

    /// <inheritdoc/>
    public override string Describe() => $"Flatten(startAxis={StartAxis}, endAxis={EndAxis})";
}
