using System.Collections;

namespace MiniNet.Layers;

/// <summary>
/// Modules applied in order, as PyTorch's <c>nn.Sequential</c>: children are named 0, 1, 2, … so the
/// parameters are <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, …
/// </summary>
public sealed class Sequential : Module, IReadOnlyList<Module>
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the model from its layers, in order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> or one of its layers is null.</exception>
    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        for (int i = 0; i < layers.Length; i++)
            if (layers[i] is null) throw new ArgumentNullException(nameof(layers), $"Sequential: layer {i} of {layers.Length} is null.");
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>Appends a layer (named by its index). Returns this model.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="layer"/> is null.</exception>
    public Sequential Add(Module layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>The layer at <paramref name="index"/>.</summary>
    public Module this[int index] => _layers[index];

    /// <summary>The number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>Feeds the input through every layer in order, calling each with <see cref="Module.Call"/> (so that its hooks run).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input;
        foreach (var layer in _layers) x = layer.Call(x);
        return x;
    }

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => _layers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
