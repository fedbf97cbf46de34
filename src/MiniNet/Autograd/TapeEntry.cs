namespace MiniNet;

/// <summary>
/// A backward rule: given the gradient flowing into an op's output, add each input's share of it to
/// <paramref name="grads"/> (gradients accumulate, they are never assigned). Runs with recording off.
/// </summary>
/// <param name="gradOutput">∂L/∂output, of the output's shape and dtype. Read it; do not change it.</param>
/// <param name="grads">Where the inputs' gradients accumulate.</param>
public delegate void BackwardRule(Tensor gradOutput, Gradients grads);

/// <summary>
/// One entry of the tape (a Wengert list): the op's name, its inputs and output, what its backward rule
/// saved, and the rule itself. Its <see cref="Position"/> is its place on the tape: an entry always comes
/// after the entries that produced its inputs, so walking positions in reverse is a valid backward order.
/// </summary>
internal sealed class TapeEntry
{
    private Tensor[] _inputs;
    private (Tensor Tensor, int Version)[] _saved;

    public TapeEntry(string name, long position, Tensor output, Tensor[] inputs, Tensor[] saved, BackwardRule backward)
    {
        Name = name;
        Position = position;
        Output = output;
        _inputs = inputs;
        _saved = new (Tensor, int)[saved.Length];
        for (int i = 0; i < saved.Length; i++) _saved[i] = (saved[i], saved[i].Version.Value);
        Backward = backward;
    }

    /// <summary>The op's name, as error messages and <see cref="Tensor.GradFnName"/> show it.</summary>
    public string Name { get; }

    /// <summary>The place on the tape; later entries have larger positions.</summary>
    public long Position { get; }

    public Tensor Output { get; }

    public ReadOnlySpan<Tensor> Inputs => _inputs;

    /// <summary>
    /// True for a user's op (<see cref="Tape.Function"/>), whose rule might keep the gradient it is given; the
    /// engine recycles the output's gradient after the rule only when the rule is the library's own.
    /// </summary>
    public bool IsCustom { get; init; }

    /// <summary>The backward rule, or null once a backward pass freed this entry.</summary>
    public BackwardRule? Backward { get; private set; }

    public bool IsReleased => Backward is null;

    /// <summary>Marks the entry as visited by the backward pass with this stamp (avoids a hash set).</summary>
    public long VisitStamp { get; set; }

    /// <summary>
    /// Throws if a tensor saved for backward was changed in place since this op recorded it: the
    /// backward rule would silently use the new values (PyTorch's version-counter check).
    /// </summary>
    public void CheckSavedVersions()
    {
        foreach (var (tensor, version) in _saved)
        {
            if (tensor.Version.Value != version)
                throw new InvalidOperationException(
                    $"Backward: a tensor of shape {tensor.Shape} ({tensor.DType}) saved by {Name} for its backward rule was modified in place " +
                    $"afterwards: it is at version {tensor.Version.Value}, expected version {version}. " +
                    "Gradients would be computed from the new values. Clone() the tensor before changing it, or change it before the op.");
        }
    }

    /// <summary>Drops the rule, the inputs and the saved tensors so the graph's memory can be reclaimed.</summary>
    public void Release()
    {
        Backward = null;
        _inputs = [];
        _saved = [];
    }
}
