namespace MiniNet.Serialization;

/// <summary>What <see cref="SafeTensors.Load(string)"/> read: the tensors by name, in the order of their data in the file, and the metadata.</summary>
public sealed class SafeTensorsFile
{
    internal SafeTensorsFile(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors by name; enumeration follows the order of their data in the file.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> (string to string, in the file's order), or null when it has none.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }
}
