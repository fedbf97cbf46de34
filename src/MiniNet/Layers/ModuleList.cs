using System.Collections;
using System.Globalization;

namespace MiniNet.Layers;

/// <summary>
/// Modules held in a list and registered, as PyTorch's <c>nn.ModuleList</c>: children are named 0, 1, 2, … so a
/// module that holds the list as <c>blocks</c> has parameters <c>blocks.0.weight</c>, <c>blocks.1.weight</c>, … A plain
/// <c>List&lt;Module&gt;</c> registers nothing; this is the list to keep layers in. It has no forward of its own: the
/// module that holds it decides how its layers are applied.
/// </summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    private readonly List<Module> _modules = [];

    /// <summary>Creates the list from its modules, in order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="modules"/> or one of its modules is null.</exception>
    public ModuleList(params IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var list = modules.ToArray();
        for (int i = 0; i < list.Length; i++)
            if (list[i] is null) throw new ArgumentNullException(nameof(modules), $"ModuleList: module {i} of {list.Length} is null.");
        foreach (var module in list) Add(module);
    }

    /// <summary>Appends a module (named by its index). Returns this list.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    public ModuleList Add(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(_modules.Count.ToString(CultureInfo.InvariantCulture), module);
        _modules.Add(module);
        return this;
    }

    /// <summary>The module at <paramref name="index"/>.</summary>
    public Module this[int index] => _modules[index];

    /// <summary>The number of modules.</summary>
    public int Count => _modules.Count;

    /// <summary>A list has no computation of its own (as in PyTorch): apply its modules from the module that holds it.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        throw new NotSupportedException($"{Where}: a ModuleList has no Forward; apply its modules in the Forward of the module that holds it (or use a Sequential).");
    }

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => _modules.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
