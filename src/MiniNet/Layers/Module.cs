using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using MiniNet.Serialization;

namespace MiniNet.Layers;

/// <summary>
/// The base of every layer and model, as PyTorch's <c>nn.Module</c>: named, ordered parameters and
/// sub-modules, training/evaluation mode, and a <see cref="Forward"/> computation.
/// </summary>
/// <remarks>
/// <para><b>Registration is automatic</b>, as in PyTorch: the fields and auto-properties of a subclass that hold a
/// <see cref="Module"/>, a <see cref="ParameterSlot"/> or a leaf <see cref="Tensor"/> that requires grad are its
/// sub-modules and parameters (buffers, such as a batch norm's running statistics, are registered only explicitly, with
/// <see cref="RegisterBuffer"/>, as in PyTorch), named after the member (<c>fc1</c>, so <c>fc1.weight</c>; a leading underscore is
/// dropped: <c>_fc1</c> is <c>fc1</c>) in declaration order, base class first. They are found whenever the module
/// lists them, so a member assigned later, replaced or set to null is seen as it is then. A member marked
/// <see cref="UnregisteredAttribute"/> is left out. Modules kept in a list or dictionary are not registered by
/// themselves (as in PyTorch): hold them in a <see cref="ModuleList"/>, or register each with
/// <see cref="RegisterModule{TModule}"/>; a field that holds modules nothing registered is an error, never a silently
/// untrained layer.</para>
/// <para>Explicit registration (<see cref="RegisterParameter"/>, <see cref="RegisterModule{TModule}"/>) comes first, in
/// the order of the calls; a member that holds what was registered explicitly is not registered again. Names follow
/// PyTorch's <c>state_dict</c>: a parameter is named by the path of names, e.g. <c>0.weight</c> in a
/// <see cref="Sequential"/>, <c>layers.2.bias</c> in a module that holds a Sequential as <c>layers</c>. A module or
/// parameter reachable by two paths (a layer used twice) is one: <see cref="Parameters"/> lists it once, under its
/// first name.</para>
/// </remarks>
[DynamicallyAccessedMembers(RegisteredMembers)]
public abstract partial class Module
{
    /// <summary>What automatic registration reads, kept by trimming and native AOT for every subclass.</summary>
    internal const DynamicallyAccessedMemberTypes RegisteredMembers =
        DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields
        | DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties;

    private readonly List<(string Name, ParameterSlot Slot)> _parameters = [];
    private readonly List<(string Name, Module Module)> _children = [];

    // Automatic registration: what the members held when last looked at, and the parameters and children found there.
    private readonly Lock _sync = new();
    private object?[]? _memberValues;
    private (string Name, ParameterSlot Slot)[] _foundParameters = [];
    private (string Name, Module Module)[] _foundChildren = [];

    /// <summary>The module's path from the root model, for error messages (e.g. <c>Sequential[2]</c>); empty for a root.</summary>
    public string Path { get; private set; } = "";

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>. Dropout is active only in training mode.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>
    /// Computes the module's output: what a subclass overrides. To run a module, <see cref="Call"/> it (as PyTorch's
    /// <c>module(x)</c>), which runs its hooks around this; calling <c>Forward</c> runs the computation alone (as
    /// <c>module.forward(x)</c>).
    /// </summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>A one-line description: the type and its configuration, e.g. <c>Dense(784→128)</c>.</summary>
    public virtual string Describe() => GetType().Name + "()";

    /// <summary>
    /// Registers a parameter under <paramref name="name"/>; it becomes a leaf that requires grad. Returns a slot that
    /// always holds the current tensor (see <see cref="To"/>). A field or property holding the tensor or the slot
    /// registers it as well (see the remarks on <see cref="Module"/>); this call chooses the name and the order.
    /// </summary>
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

    /// <summary>
    /// Registers a sub-module under <paramref name="name"/> and returns it. A field or property holding the module
    /// registers it as well (see the remarks on <see cref="Module"/>); this call chooses the name and the order, and is
    /// how the modules of a collection are registered one by one.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, contains a dot, or is taken; or the module is this one or contains it.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="module"/> is null.</exception>
    protected TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        if (module.Contains(this))
            throw new ArgumentException($"{Describe()}: the module registered as '{name}' is this module or contains it; a module cannot contain itself.", nameof(module));
        _children.Add((name, module));
        module.SetPath(ChildPath(name));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{Describe()}: '{name}' is not a valid name: it must be non-empty and contain no dot.", nameof(name));
        if (_parameters.Exists(p => p.Name == name) || _children.Exists(c => c.Name == name) || _buffers.Exists(b => b.Name == name))
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
        foreach (var (name, child) in Children()) child.SetPath(ChildPath(name));
    }

    /// <summary>The module as error messages name it: its path and description, e.g. <c>Sequential[2] Dense(128→10)</c>.</summary>
    protected string Where => Path.Length > 0 ? $"{Path} {Describe()}" : Describe();

    /// <summary>This module's own parameters: those registered explicitly, then those its members hold.</summary>
    private IEnumerable<(string Name, ParameterSlot Slot)> OwnParameters()
    {
        FindMembers();
        foreach (var entry in _parameters) yield return entry;
        foreach (var entry in _foundParameters) yield return entry;
    }

    /// <summary>The direct sub-modules: those registered explicitly, then those its members hold.</summary>
    private IEnumerable<(string Name, Module Module)> Children()
    {
        FindMembers();
        foreach (var entry in _children) yield return entry;
        foreach (var entry in _foundChildren) yield return entry;
    }

    /// <summary>True when <paramref name="module"/> is this module or one of its descendants.</summary>
    private bool Contains(Module module)
    {
        if (ReferenceEquals(module, this)) return true;
        foreach (var (_, child) in Children())
            if (child.Contains(module)) return true;
        return false;
    }

    /// <summary>
    /// Automatic registration: reads the members that can hold modules and parameters and, if any changed since the
    /// last look, finds this module's parameters and children in them again.
    /// </summary>
    private void FindMembers()
    {
        var members = ModuleMembers.Of(GetType());
        if (members.Length == 0) return;
        lock (_sync)
        {
            var values = _memberValues;
            bool changed = values is null;
            values ??= new object?[members.Length];
            for (int i = 0; i < members.Length; i++)
            {
                var value = members[i].Field.GetValue(this);
                if (ReferenceEquals(value, values[i])) continue;
                values[i] = value;
                changed = true;
            }
            // A tensor member becomes a parameter when it is a leaf that requires grad, which can change in place.
            if (!changed)
                foreach (var value in values)
                    if (value is Tensor tensor && IsParameterTensor(tensor) != _foundParameters.Any(p => ReferenceEquals(p.Slot.Value, tensor)) && !IsRegisteredParameter(tensor))
                        changed = true;
            if (!changed) return;
            // Noted before looking inside the members, so that a look that comes back here through a cycle of members
            // stops; forgotten if the look fails, so that the next one fails the same way.
            _memberValues = values;
            try
            {
                Find(members, values);
            }
            catch
            {
                _memberValues = null;
                throw;
            }
        }
    }

    private static bool IsParameterTensor(Tensor tensor) => tensor.IsLeaf && tensor.RequiresGrad;

    private bool IsRegisteredParameter(object parameter) =>
        _parameters.Exists(p => ReferenceEquals(p.Slot, parameter) || ReferenceEquals(p.Slot.Value, parameter));

    private void Find(ModuleMembers.Member[] members, object?[] values)
    {
        var parameters = new List<(string Name, ParameterSlot Slot)>();
        var children = new List<(string Name, Module Module)>();
        for (int i = 0; i < members.Length; i++)
        {
            string name = members[i].Name;
            switch (values[i])
            {
                case Module module when _children.Exists(c => ReferenceEquals(c.Module, module)) || children.Exists(c => ReferenceEquals(c.Module, module)):
                    break; // registered already: a member that holds it adds nothing
                case Module module:
                    if (module.Contains(this))
                        throw new InvalidOperationException(
                            $"{Where}: the member '{name}' holds {(ReferenceEquals(module, this) ? "this module itself" : $"a module that contains this one ({module.Describe()})")}; " +
                            "a module cannot contain itself. If the member is a reference rather than a part, mark it [Unregistered].");
                    CheckFoundName(name, parameters, children);
                    children.Add((name, module));
                    break;
                case ParameterSlot slot when !IsRegisteredParameter(slot) && !parameters.Exists(p => ReferenceEquals(p.Slot, slot)):
                    CheckFoundName(name, parameters, children);
                    parameters.Add((name, slot));
                    break;
                case Tensor tensor when IsParameterTensor(tensor) && !IsRegisteredParameter(tensor) && !parameters.Exists(p => ReferenceEquals(p.Slot.Value, tensor)):
                    CheckFoundName(name, parameters, children);
                    // Keep the slot found before for this tensor, so that To can write the converted tensor back to the member.
                    var known = Array.Find(_foundParameters, p => ReferenceEquals(p.Slot.Value, tensor)).Slot;
                    parameters.Add((name, known ?? new ParameterSlot(tensor) { Member = members[i].Field }));
                    break;
            }
        }
        // Modules in a list or dictionary are registered by a ModuleList or by RegisterModule, never by the collection itself.
        for (int i = 0; i < members.Length; i++)
        {
            if (values[i] is Module or Tensor or ParameterSlot or string or not IEnumerable) continue;
            var unregistered = new List<string>();
            int index = 0;
            foreach (var item in ItemsOf((IEnumerable)values[i]!))
            {
                if (item is Module module && !_children.Exists(c => ReferenceEquals(c.Module, module)) && !children.Exists(c => ReferenceEquals(c.Module, module)))
                    unregistered.Add($"{module.Describe()} at {index}");
                index++;
            }
            if (unregistered.Count > 0)
                throw new InvalidOperationException(
                    $"{Where}: the member '{members[i].Name}' ({values[i]!.GetType().Name}) holds {unregistered.Count} module(s) that are not registered: " +
                    $"{MessageText.List(unregistered)}. A list or dictionary does not register what it holds (as in PyTorch), so their parameters " +
                    "would be neither trained nor saved. Hold them in a ModuleList, or register each with RegisterModule; if they belong to " +
                    "another model, mark the member [Unregistered].");
        }
        foreach (var (name, child) in children) child.SetPath(ChildPath(name));
        _foundParameters = [.. parameters];
        _foundChildren = [.. children];
    }

    /// <summary>A collection's items; a dictionary's values.</summary>
    private static IEnumerable ItemsOf(IEnumerable collection)
    {
        if (collection is IDictionary dictionary) return dictionary.Values;
        return collection;
    }

    private void CheckFoundName(string name, List<(string Name, ParameterSlot Slot)> parameters, List<(string Name, Module Module)> children)
    {
        if (_parameters.Exists(p => p.Name == name) || _children.Exists(c => c.Name == name) || _buffers.Exists(b => b.Name == name))
            throw new InvalidOperationException(
                $"{Where}: the member '{name}' holds a module or parameter other than the one registered under the name '{name}'; rename one of them.");
        if (parameters.Exists(p => p.Name == name) || children.Exists(c => c.Name == name))
            throw new InvalidOperationException(
                $"{Where}: two members are both named '{name}' once a leading underscore is dropped; rename one of them.");
    }

    /// <summary>
    /// Every parameter with its dotted name, this module's own first, then each child's in registration order (PyTorch's
    /// order). A parameter reachable by two paths (a layer used twice) is listed once, under its first name, as PyTorch's
    /// <c>named_parameters()</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A member holds modules that nothing registers, or refers back to an enclosing module (see <see cref="Module"/>).</exception>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (name, parameter) in AllNamedParameters(""))
            if (seen.Add(parameter)) yield return (name, parameter);
    }

    /// <summary>Every parameter under every name it has, shared ones included (what <see cref="StateDict"/> lists).</summary>
    private IEnumerable<(string Name, Tensor Parameter)> AllNamedParameters(string prefix)
    {
        foreach (var (name, slot) in OwnParameters()) yield return (prefix + name, slot.Value);
        foreach (var (childName, child) in Children())
            foreach (var entry in child.AllNamedParameters($"{prefix}{childName}."))
                yield return entry;
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>, each once: what an optimiser takes.</summary>
    /// <exception cref="InvalidOperationException">A member holds modules that nothing registers, or refers back to an enclosing module (see <see cref="Module"/>).</exception>
    public IEnumerable<Tensor> Parameters()
    {
        foreach (var (_, parameter) in NamedParameters()) yield return parameter;
    }

    /// <summary>The direct sub-modules with their names: those registered explicitly, then those found in members.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => Children();

    /// <summary>
    /// The parameters and buffers by name, in PyTorch's <c>state_dict()</c> order — each module's own parameters, then
    /// its own buffers, then each child's entries — as the tensors themselves, not copies. A parameter or buffer
    /// reachable by two paths appears under both names, as in PyTorch.
    /// </summary>
    /// <exception cref="InvalidOperationException">A member holds modules that nothing registers, or refers back to an enclosing module (see <see cref="Module"/>).</exception>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        AddState(state, "");
        return state;
    }

    private void AddState(Dictionary<string, Tensor> state, string prefix)
    {
        foreach (var (name, slot) in OwnParameters()) state.Add(prefix + name, slot.Value);
        foreach (var (name, slot) in _buffers) state.Add(prefix + name, slot.Value);
        foreach (var (childName, child) in Children()) child.AddState(state, $"{prefix}{childName}.");
    }

    /// <summary>
    /// Copies values into the parameters and buffers by name, as PyTorch's <c>load_state_dict</c> with <c>strict=True</c>:
    /// every name must be present with the same shape and dtype, and no extra names are allowed. An integer-valued
    /// buffer (<see cref="Tensor.IsIntegerValued"/>, PyTorch's int64) takes only an integer-valued tensor, such as another
    /// model's buffer or one read from an <c>I64</c> safetensors entry, and a floating-point one never takes such a tensor.
    /// </summary>
    /// <exception cref="ArgumentException">Lists every missing, unexpected and mis-shaped name.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> or one of its tensors is null.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (name, tensor) in state)
            if (tensor is null) throw new ArgumentNullException(nameof(state), $"LoadStateDict into {Describe()}: state['{name}'] is null.");
        var problems = StateDictProblems(state);
        if (problems.Count > 0)
            throw new ArgumentException($"LoadStateDict into {Describe()}: {MessageText.List(problems, separator: "; ")}.", nameof(state));
        CopyStateDict(state);
    }

    /// <summary>What keeps <paramref name="state"/> from loading (missing, unexpected and mis-shaped names), each as a clause; empty when it fits.</summary>
    internal List<string> StateDictProblems(IReadOnlyDictionary<string, Tensor> state)
    {
        var own = StateDict();
        var problems = new List<string>();
        foreach (var name in own.Keys.Where(n => !state.ContainsKey(n))) problems.Add($"missing {MessageText.Quote(name)}");
        foreach (var name in state.Keys.Where(n => !own.ContainsKey(n))) problems.Add($"unexpected {MessageText.Quote(name)}");
        foreach (var (name, parameter) in own)
            if (state.TryGetValue(name, out var value)
                && (value.Shape != parameter.Shape || value.DType != parameter.DType || value.IsIntegerValued != parameter.IsIntegerValued))
                problems.Add($"{MessageText.Quote(name)} is {value.Shape} {KindOf(value)} in the state but {parameter.Shape} {KindOf(parameter)} in the model");
        return problems;
    }

    /// <summary>A tensor's element type as a state's mismatch names it: Float32, Float64, or Int64 for an integer-valued one.</summary>
    private static string KindOf(Tensor tensor) => tensor.IsIntegerValued ? "Int64 (integer-valued)" : tensor.DType.ToString();

    /// <summary>Copies a state that <see cref="StateDictProblems"/> accepted into the parameters and buffers.</summary>
    internal void CopyStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        using (Tape.NoGrad())
            foreach (var (name, parameter) in StateDict()) parameter.CopyFrom(state[name]);
    }

    /// <summary>
    /// Saves the parameters and buffers to a safetensors file (atomically: a crash mid-save leaves any previous file
    /// intact), under their <see cref="StateDict"/> names, readable by Python's and Rust's safetensors; an
    /// integer-valued buffer is written as <c>I64</c>, as PyTorch's int64.
    /// </summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Save(path, StateDict(), metadata);

    /// <summary>
    /// Loads the parameters and buffers from a safetensors file, which must hold exactly this model's names, shapes
    /// and dtypes (<c>I64</c> for an integer-valued buffer) (the error lists the names that are missing, extra or mis-shaped: the first ten of each kind,
    /// then how many more). Returns the file's metadata.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed or does not fit the model; the message names the file.</exception>
    /// <exception cref="IOException">The file cannot be read, or the path names a directory.</exception>
    public IReadOnlyDictionary<string, string>? Load(string path) => SafeTensors.LoadInto(path, StateDict());

    /// <summary>Switches this module and all its descendants to training (true) or evaluation (false) mode. Returns this module.</summary>
    public Module Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, child) in Children()) child.Train(mode);
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
    /// Converts every parameter to <paramref name="dtype"/> (new leaf tensors that require grad), and every
    /// floating-point buffer (new tensors), as PyTorch's <c>module.double()</c> / <c>module.float()</c>: for example to
    /// gradient-check a model in float64. Integer-valued buffers stay as they are, as PyTorch's int64 ones do. A
    /// parameter held in a <see cref="Tensor"/> field or property is replaced there. Returns this module.
    /// </summary>
    /// <exception cref="InvalidOperationException">A member holds modules that nothing registers, or refers back to an enclosing module (see <see cref="Module"/>).</exception>
    public Module To(DType dtype)
    {
        var converted = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance); // a shared parameter stays shared
        ConvertParameters(dtype, converted);
        return this;
    }

    private void ConvertParameters(DType dtype, Dictionary<Tensor, Tensor> converted)
    {
        foreach (var (_, slot) in OwnParameters().ToArray())
        {
            var old = slot.Value;
            if (old.DType == dtype) continue;
            if (!converted.TryGetValue(old, out var replacement))
            {
                using (Tape.NoGrad()) replacement = old.To(dtype);
                converted[old] = replacement.RequireGrad();
            }
            slot.Value = replacement;
            slot.Member?.SetValue(this, replacement);
        }
        ConvertBuffers(dtype, converted);
        foreach (var (_, child) in Children()) child.ConvertParameters(dtype, converted);
    }

    /// <summary>The number of scalar parameters, each counted once.</summary>
    public long ParameterCount()
    {
        long count = 0;
        foreach (var parameter in Parameters()) count += parameter.ElementCount;
        return count;
    }

    /// <summary>The module tree in PyTorch's style: each child on its own line, indented, with its name.</summary>
    public override string ToString()
    {
        var children = Children().ToArray();
        if (children.Length == 0) return Describe();
        var text = new StringBuilder(GetType().Name).Append("(\n");
        foreach (var (name, child) in children)
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

    /// <summary>For a parameter found in a <see cref="Tensor"/> field: the field, which <see cref="Module.To"/> updates too.</summary>
    internal System.Reflection.FieldInfo? Member { get; init; }
}
