namespace MiniNet;

/// <summary>
/// A backward rule: given the gradient flowing into an op's output, add each input's share of it to
/// <paramref name="grads"/> (gradients accumulate, they are never assigned). Runs with recording off.
/// </summary>
/// <param name="gradOutput">∂L/∂output, of the output's shape and dtype. Read it; do not change it.</param>
/// <param name="grads">Where the inputs' gradients accumulate.</param>
public delegate void BackwardRule(Tensor gradOutput, Gradients grads);

/// <summary>
/// A backward rule written as a static function of its tape entry: it reads the op's inputs, output and saved state
/// from <paramref name="op"/>, so recording the op allocates no closure (the library's ops on a training step's path).
/// </summary>
internal delegate void OpRule(TapeEntry op, Tensor gradOutput, Gradients grads);

/// <summary>
/// One entry of the tape (a Wengert list): the op's name, its inputs and output, what its backward rule
/// saved, and the rule itself. Its <see cref="Position"/> is its place on the tape: an entry always comes
/// after the entries that produced its inputs, so walking positions in reverse is a valid backward order.
/// </summary>
/// <remarks>
/// An entry is filled by <see cref="Set"/> and emptied by <see cref="Release"/>; a <see cref="StepArena"/> fills the
/// entry of a tensor it hands out again instead of making a new one, reusing its arrays.
/// </remarks>
internal sealed class TapeEntry
{
    private Tensor[] _inputs = [];
    private int _inputCount;
    private Tensor[] _saved = [];
    private int[] _savedVersions = [];
    private int _savedCount;
    private BackwardRule? _closure;
    private OpRule? _rule;

    /// <summary>Records an op: its inputs, the tensors its rule reads (with their versions now) and its rule, one of the two kinds.</summary>
    public void Set(string name, long position, Tensor output, ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> saved,
        BackwardRule? closure, OpRule? rule, object? state, bool isCustom, double argument0 = 0, double argument1 = 0)
    {
        (Argument0, Argument1) = (argument0, argument1);
        Name = name;
        Position = position;
        Output = output;
        _inputCount = inputs.Length;
        if (_inputs.Length < inputs.Length) _inputs = new Tensor[inputs.Length];
        inputs.CopyTo(_inputs);
        _savedCount = saved.Length;
        if (_saved.Length < saved.Length) (_saved, _savedVersions) = (new Tensor[saved.Length], new int[saved.Length]);
        for (int i = 0; i < saved.Length; i++) (_saved[i], _savedVersions[i]) = (saved[i], saved[i].Version.Value);
        (_closure, _rule, State, IsCustom) = (closure, rule, state, isCustom);
        VisitStamp = 0;
        CreatedAt = null;
    }

    /// <summary>The op's name, as error messages and <see cref="Tensor.GradFnName"/> show it.</summary>
    public string Name { get; private set; } = "";

    /// <summary>Where the op was recorded, kept only inside <see cref="Tape.DetectAnomaly"/> for its errors in backward.</summary>
    public System.Diagnostics.StackTrace? CreatedAt { get; set; }

    /// <summary>The place on the tape; later entries have larger positions.</summary>
    public long Position { get; private set; }

    public Tensor Output { get; private set; } = null!;

    public ReadOnlySpan<Tensor> Inputs => _inputs.AsSpan(0, _inputCount);

    /// <summary>Input <paramref name="index"/>, in the order the op gave them.</summary>
    public Tensor Input(int index) => _inputs[index];

    /// <summary>What an <see cref="OpRule"/> needs besides the tensors and its numbers (a head's per-row statistics).</summary>
    public object? State { get; private set; }

    /// <summary>The op's first number argument for its rule (a slope, a scalar operand, a bound), 0 when it has none.</summary>
    public double Argument0 { get; private set; }

    /// <summary>The op's second number argument for its rule (a threshold, an upper bound), 0 when it has none.</summary>
    public double Argument1 { get; private set; }

    /// <summary>
    /// True for a user's op (<see cref="Tape.Function"/>), whose rule might keep the gradient it is given; the
    /// engine recycles the output's gradient after the rule only when the rule is the library's own.
    /// </summary>
    public bool IsCustom { get; private set; }

    public bool IsReleased => _closure is null && _rule is null;

    /// <summary>Runs the backward rule: gradOutput is ∂L/∂output; the inputs' shares accumulate in <paramref name="grads"/>.</summary>
    public void RunBackward(Tensor gradOutput, Gradients grads)
    {
        if (_rule is not null) _rule(this, gradOutput, grads);
        else _closure!(gradOutput, grads);
    }

    /// <summary>Marks the entry as visited by the backward pass with this stamp (avoids a hash set).</summary>
    public long VisitStamp { get; set; }

    /// <summary>
    /// Throws if a tensor saved for backward was changed in place since this op recorded it: the
    /// backward rule would silently use the new values (PyTorch's version-counter check).
    /// </summary>
    public void CheckSavedVersions()
    {
        for (int i = 0; i < _savedCount; i++)
        {
            var tensor = _saved[i];
            if (tensor.Version.Value != _savedVersions[i])
                throw new InvalidOperationException(
                    $"Backward: a tensor of shape {tensor.Shape} ({tensor.DType}) saved by {Name} for its backward rule was modified in place " +
                    $"afterwards: it is at version {tensor.Version.Value}, expected version {_savedVersions[i]}. " +
                    "Gradients would be computed from the new values. Clone() the tensor before changing it, or change it before the op.");
        }
    }

    /// <summary>Drops the rule, the inputs and the saved tensors so the graph's memory can be reclaimed (the arrays stay, for reuse).</summary>
    public void Release()
    {
        (_closure, _rule) = (null, null);
        Array.Clear(_inputs, 0, _inputCount);
        Array.Clear(_saved, 0, _savedCount);
        (_inputCount, _savedCount) = (0, 0);
    }
}
