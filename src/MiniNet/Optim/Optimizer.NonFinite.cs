namespace MiniNet.Optim;

// Refusing a step whose gradients hold NaN or ±∞ (off by default, as PyTorch, where such a step writes NaN into the weights).
public abstract partial class Optimizer
{
    private string?[]? _names; // each parameter's name in its model, for errors, once NameParameters is called

    /// <summary>
    /// When true, <see cref="Step"/> first checks every gradient and, if one holds NaN or ±∞, throws naming the parameter
    /// and updates none: the weights and the optimiser's state stay as they were. False by default, as in PyTorch,
    /// where such a step silently writes NaN into the weights (and the moments of Adam keep it for good).
    /// </summary>
    /// <remarks>
    /// The check reads every gradient once per step. Related checks: <see cref="GradientClipping.ClipGradNorm"/> with
    /// <c>errorIfNonfinite: true</c> refuses to clip a non-finite total norm (PyTorch's <c>error_if_nonfinite</c>),
    /// and <see cref="Tape.DetectAnomaly"/> names the op that made the first NaN. Name the parameters in the error with
    /// <see cref="NameParameters"/>.
    /// </remarks>
    public bool ErrorIfNonfinite { get; set; }

    /// <summary>
    /// Gives the parameters their names in a model, for error messages: pass the model's <c>NamedParameters()</c>
    /// (<c>0.weight</c>, <c>fc1.bias</c>). Names of tensors that are not this optimiser's parameters (a frozen layer's)
    /// are ignored; a parameter without a name is named by its position.
    /// </summary>
    /// <param name="namedParameters">Names and the tensors they name, as <c>Module.NamedParameters()</c> lists them.</param>
    /// <exception cref="ArgumentNullException"><paramref name="namedParameters"/>, or a name or tensor in it, is null.</exception>
    public void NameParameters(IEnumerable<(string Name, Tensor Parameter)> namedParameters)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        var names = new string?[_parameters.Length];
        int position = 0;
        foreach (var (name, parameter) in namedParameters)
        {
            if (name is null || parameter is null)
                throw new ArgumentNullException(nameof(namedParameters),
                    $"{GetType().Name}.NameParameters: entry {position} has a null {(name is null ? "name" : "tensor")}.");
            int index = Array.IndexOf(_parameters, parameter);
            if (index >= 0) names[index] ??= name;
            position++;
        }
        _names = names;
    }

    /// <summary>Throws, before any parameter changes, if a gradient holds NaN or ±∞ (<see cref="ErrorIfNonfinite"/>).</summary>
    private void RefuseNonfiniteGradients()
    {
        int index = 0;
        for (int g = 0; g < _groups.Length; g++)
        {
            foreach (var parameter in _groups[g].ParameterArray)
            {
                if (parameter.Grad is { } gradient && !ValueSummary.AllFinite(gradient))
                    throw Nonfinite(index, g, ValueSummary.Of(gradient));
                index++;
            }
        }
    }

    private NotFiniteNumberException Nonfinite(int index, int group, ValueSummary gradient)
    {
        string position = _groups.Length > 1 ? $"parameter {index}, in group {group}" : $"parameter {index}";
        string who = _names?[index] is { } name ? $"'{name}' ({position}, {gradient})" : $"{position} ({gradient})";
        return new NotFiniteNumberException(
            $"{_stepName}: the gradient of {who} is not finite, so no parameter was updated (ErrorIfNonfinite is on). " +
            "Find the op that made it with Tape.DetectAnomaly(); or set ErrorIfNonfinite = false to step anyway, as PyTorch does, " +
            "which writes the NaN into the weights.",
            gradient.Offending);
    }
}
