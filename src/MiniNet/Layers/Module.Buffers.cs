namespace MiniNet.Layers;

// Buffers, as PyTorch's register_buffer: named state that is not a parameter (no gradient, no optimiser) but is saved
// and loaded with the model, such as a batch norm's running statistics.
public abstract partial class Module
{
    private readonly List<(string Name, BufferSlot Slot)> _buffers = [];

    /// <summary>
    /// Registers a buffer under <paramref name="name"/>, as PyTorch's <c>register_buffer</c>: state that is not a
    /// parameter — <see cref="Parameters"/> and so the optimisers never see it — but that <see cref="StateDict"/>,
    /// <see cref="LoadStateDict"/>, <see cref="Save"/>, <see cref="Load"/> and checkpoints carry, after the module's
    /// parameters and before its children's entries. <see cref="To"/> converts a floating-point buffer. Returns a slot
    /// that always holds the current tensor. Buffers are registered only by this call, never found in fields (in
    /// PyTorch, too, a plain tensor attribute is not a buffer).
    /// </summary>
    /// <param name="name">The buffer's name, e.g. <c>running_mean</c>.</param>
    /// <param name="buffer">Its tensor, a leaf that does not require grad; the module updates it in place.</param>
    /// <param name="integerValued">
    /// Whether it stands for PyTorch int64 values (a counter such as <c>num_batches_tracked</c>): it must then be
    /// <see cref="DType.Float64"/> with whole values, it becomes <see cref="Tensor.IsIntegerValued"/>, is saved as
    /// <c>I64</c> and is left alone by <see cref="To"/>.
    /// </param>
    /// <exception cref="ArgumentException">The name is empty, contains a dot, or is taken; the buffer requires grad or
    /// is not a leaf; or an integer-valued buffer is not Float64 or holds a value that is not a whole number.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="buffer"/> is null.</exception>
    protected BufferSlot RegisterBuffer(string name, Tensor buffer, bool integerValued = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(buffer);
        CheckName(name);
        if (buffer.RequiresGrad || !buffer.IsLeaf)
            throw new ArgumentException(
                $"{Describe()}: buffer '{name}' must be a leaf tensor that does not require grad (a tensor that learns is a parameter: RegisterParameter).", nameof(buffer));
        if (integerValued)
        {
            if (buffer.DType != DType.Float64)
                throw new ArgumentException($"{Describe()}: the integer-valued buffer '{name}' must be Float64 (exact up to 2⁵³), got {buffer.DType}.", nameof(buffer));
            foreach (double value in buffer.AsReadOnlySpan<double>())
                if (!double.IsInteger(value))
                    throw new ArgumentException($"{Describe()}: the integer-valued buffer '{name}' holds {value}, which is not a whole number.", nameof(buffer));
            buffer.IsIntegerValued = true;
        }
        var slot = new BufferSlot(buffer);
        _buffers.Add((name, slot));
        return slot;
    }

    /// <summary>
    /// Every buffer with its dotted name, in <see cref="StateDict"/> order (this module's own, then each child's); a buffer
    /// reachable by two paths is listed once, under its first name, as PyTorch's <c>named_buffers()</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A member holds modules that nothing registers, or refers back to an enclosing module (see <see cref="Module"/>).</exception>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (name, buffer) in AllNamedBuffers(""))
            if (seen.Add(buffer)) yield return (name, buffer);
    }

    private IEnumerable<(string Name, Tensor Buffer)> AllNamedBuffers(string prefix)
    {
        foreach (var (name, slot) in _buffers) yield return (prefix + name, slot.Value);
        foreach (var (childName, child) in Children())
            foreach (var entry in child.AllNamedBuffers($"{prefix}{childName}."))
                yield return entry;
    }

    /// <summary>Every buffer, in the order of <see cref="NamedBuffers"/>, each once.</summary>
    /// <exception cref="InvalidOperationException">A member holds modules that nothing registers, or refers back to an enclosing module (see <see cref="Module"/>).</exception>
    public IEnumerable<Tensor> Buffers()
    {
        foreach (var (_, buffer) in NamedBuffers()) yield return buffer;
    }

    /// <summary>Converts this module's floating-point buffers to <paramref name="dtype"/>; a buffer shared with another module stays shared.</summary>
    private void ConvertBuffers(DType dtype, Dictionary<Tensor, Tensor> converted)
    {
        foreach (var (_, slot) in _buffers)
        {
            var old = slot.Value;
            if (old.IsIntegerValued || old.DType == dtype) continue;
            if (!converted.TryGetValue(old, out var replacement))
            {
                using (Tape.NoGrad()) replacement = old.To(dtype);
                converted[old] = replacement;
            }
            slot.Value = replacement;
        }
    }
}

/// <summary>Holds a module's buffer; <see cref="Module.To"/> replaces the tensor, and the layer reads it through the slot.</summary>
public sealed class BufferSlot
{
    internal BufferSlot(Tensor value) => Value = value;

    /// <summary>The current buffer tensor.</summary>
    public Tensor Value { get; internal set; }
}
