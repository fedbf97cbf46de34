using System.Text;
using MiniNet.Serialization;

namespace MiniNet.Layers;

/// <summary>
/// The base of every layer and model, as PyTorch's <c>nn.Module</c>: named, ordered parameters and
/// sub-modules, training/evaluation mode, and a <see cref="Forward"/> computation.
/// </summary>
/// <remarks>
/// A module registers its parameters and children in its constructor (<see cref="RegisterParameter"/>,
/// <see cref="RegisterModule{TModule}"/>). Names follow PyTorch's <c>state_dict</c>: a parameter is named by
/// the path of registration names, e.g. <c>0.weight</c> in a <see cref="Sequential"/>, <c>layers.2.bias</c>
/// in a module that registers a Sequential as <c>layers</c>.
/// </remarks>
public abstract class Module
{
    private readonly List<(string Name, ParameterSlot Slot)> _parameters = [];
    private readonly List<(string Name, Module Module)> _children = [];

    /// <summary>The module's path from the root model, for error messages (e.g. <c>Sequential[2]</c>); empty for a root.</summary>
    public string Path { get; private set; } = "";

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>. Dropout is active only in training mode.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Computes the module's output.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>A one-line description: the type and its configuration, e.g. <c>Dense(784→128)</c>.</summary>
    public virtual string Describe() => GetType().Name + "()";

    /// <summary>Registers a parameter under <paramref name="name"/>; it becomes a leaf that requires grad. Returns a slot that always holds the current tensor (see <see cref="To"/>).</summary>
    /// <exception cref="ArgumentException">The name is empty, contains a dot, or is taken.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="parameter"/> is null.</exception>
    protected ParameterSlot RegisterParameter(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        CheckName(name);
        if (!parameter.IsLeaf)
            throw new ArgumentException($"{Describe()}: parameter '{name}' must be a leaf tensor, not the result of {parameter.GradFnName}; Detach() it first.", nameof(parameter));
        parameter.RequiresGrad = true;
        var slot = new ParameterSlot(parameter);
        _parameters.Add((name, slot));
        return slot;
    }

    /// <summary>Registers a sub-module under <paramref name="name"/> and returns it.</summary>
    /// <exception cref="ArgumentException">The name is empty, contains a dot, or is taken.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="module"/> is null.</exception>
    protected TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        _children.Add((name, module));
        module.SetPath(ChildPath(name));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{Describe()}: '{name}' is not a valid name: it must be non-empty and contain no dot.", nameof(name));
        if (_parameters.Exists(p => p.Name == name) || _children.Exists(c => c.Name == name))
            throw new ArgumentException($"{Describe()}: the name '{name}' is already taken.", nameof(name));
    }

    private string ChildPath(string name)
    {
        string self = Path.Length > 0 ? Path : GetType().Name;
        return int.TryParse(name, out _) ? $"{self}[{name}]" : $"{self}.{name}";
    }

    private void SetPath(string path)
    {
        Path = path;
        foreach (var (name, child) in _children) child.SetPath(ChildPath(name));
    }

    /// <summary>The module as error messages name it: its path and description, e.g. <c>Sequential[2] Dense(128→10)</c>.</summary>
    protected string Where => Path.Length > 0 ? $"{Path} {Describe()}" : Describe();

    /// <summary>Every parameter with its dotted name, this module's own first, then each child's in registration order (PyTorch's order).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        foreach (var (name, slot) in _parameters) yield return (name, slot.Value);
        foreach (var (childName, child) in _children)
            foreach (var (name, parameter) in child.NamedParameters())
                yield return ($"{childName}.{name}", parameter);
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>: what an optimiser takes.</summary>
    public IEnumerable<Tensor> Parameters()
    {
        foreach (var (_, parameter) in NamedParameters()) yield return parameter;
    }

    /// <summary>The direct sub-modules with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>The parameters by name, in order, as PyTorch's <c>state_dict()</c> (the tensors themselves, not copies).</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, parameter) in NamedParameters()) state.Add(name, parameter);
        return state;
    }

    /// <summary>
    /// Copies values into the parameters by name, as PyTorch's <c>load_state_dict</c> with <c>strict=True</c>:
    /// every name must be present with the same shape and dtype, and no extra names are allowed.
    /// </summary>
    /// <exception cref="ArgumentException">Lists every missing, unexpected and mis-shaped name.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> or one of its tensors is null.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (name, tensor) in state)
            if (tensor is null) throw new ArgumentNullException(nameof(state), $"LoadStateDict into {Describe()}: state['{name}'] is null.");
        var own = StateDict();
        var problems = new List<string>();
        foreach (var name in own.Keys.Where(n => !state.ContainsKey(n))) problems.Add($"missing {MessageText.Quote(name)}");
        foreach (var name in state.Keys.Where(n => !own.ContainsKey(n))) problems.Add($"unexpected {MessageText.Quote(name)}");
        foreach (var (name, parameter) in own)
            if (state.TryGetValue(name, out var value) && (value.Shape != parameter.Shape || value.DType != parameter.DType))
                problems.Add($"{MessageText.Quote(name)} is {value.Shape} {value.DType} in the state but {parameter.Shape} {parameter.DType} in the model");
        if (problems.Count > 0)
            throw new ArgumentException($"LoadStateDict into {Describe()}: {MessageText.List(problems, separator: "; ")}.", nameof(state));
        using (Tape.NoGrad())
            foreach (var (name, parameter) in own) parameter.CopyFrom(state[name]);
    }

    /// <summary>
    /// Saves the parameters to a safetensors file (atomically: a crash mid-save leaves any previous file
    /// intact), under their <see cref="StateDict"/> names, readable by Python's and Rust's safetensors.
    /// </summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Save(path, StateDict(), metadata);

    /// <summary>
    /// Loads the parameters from a safetensors file, which must hold exactly this model's names, shapes
    /// and dtypes (the error lists the names that are missing, extra or mis-shaped: the first ten of each kind,
    /// then how many more). Returns the file's metadata.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed or does not fit the model; the message names the file.</exception>
    /// <exception cref="IOException">The file cannot be read, or the path names a directory.</exception>
    public IReadOnlyDictionary<string, string>? Load(string path) => SafeTensors.LoadInto(path, StateDict());

    /// <summary>Switches this module and all its descendants to training (true) or evaluation (false) mode. Returns this module.</summary>
    public Module Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, child) in _children) child.Train(mode);
        return this;
    }

    /// <summary>Switches to evaluation mode (dropout off), as PyTorch's <c>eval()</c>. Returns this module.</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears every parameter's gradient: to null by default (PyTorch's <c>set_to_none=True</c>), or to zeros.</summary>
    /// <remarks>
    /// As <see cref="Optim.Optimizer.ZeroGrad"/>, the gradient tensors that backward made are kept for the next
    /// backward pass to write the new gradients into (a fresh value, never added to the old one): a reference to an
    /// old <see cref="Tensor.Grad"/> kept across <c>ZeroGrad</c> sees its values replaced; <see cref="Tensor.Clone"/> it to keep it.
    /// </remarks>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var parameter in Parameters())
        {
            if (setToNone) parameter.ReleaseGrad();
            else parameter.Grad?.Fill(0);
        }
    }

    /// <summary>
    /// Converts every parameter to <paramref name="dtype"/> (new leaf tensors that require grad), as PyTorch's
    /// <c>module.double()</c> / <c>module.float()</c>: for example to gradient-check a model in float64. Returns this module.
    /// </summary>
    public Module To(DType dtype)
    {
        foreach (var (_, slot) in _parameters)
        {
            if (slot.Value.DType == dtype) continue;
            Tensor converted;
            using (Tape.NoGrad()) converted = slot.Value.To(dtype);
            slot.Value = converted.RequireGrad();
        }
        foreach (var (_, child) in _children) child.To(dtype);
        return this;
    }

    /// <summary>The number of scalar parameters.</summary>
    public long ParameterCount()
    {
        long count = 0;
        foreach (var parameter in Parameters()) count += parameter.ElementCount;
        return count;
    }

    /// <summary>The module tree in PyTorch's style: each child on its own line, indented, with its name.</summary>
    public override string ToString()
    {
        if (_children.Count == 0) return Describe();
        var text = new StringBuilder(GetType().Name).Append("(\n");
        foreach (var (name, child) in _children)
        {
            var lines = child.ToString().Split('\n');
            text.Append("  (").Append(name).Append("): ").Append(lines[0]).Append('\n');
            foreach (var line in lines.Skip(1)) text.Append("  ").Append(line).Append('\n');
        }
        return text.Append(')').ToString();
    }
}

/// <summary>Holds a module's parameter; <see cref="Module.To"/> replaces the tensor, and the layer reads it through the slot.</summary>
public sealed class ParameterSlot
{
    internal ParameterSlot(Tensor value) => Value = value;

    /// <summary>The current parameter tensor.</summary>
    public Tensor Value { get; internal set; }
}
