namespace MiniNet.Optim;

// Saving and restoring an optimiser, as PyTorch's state_dict()/load_state_dict(): each optimiser says which
// hyper-parameters it fixes and which tensors a parameter's state holds; this file does the rest.
public abstract partial class Optimizer
{
    /// <summary>The name of the step count in a parameter's state, as PyTorch's.</summary>
    private protected const string StepName = "step";

    /// <summary>
    /// The optimiser's state, as PyTorch's <c>optimizer.state_dict()</c>: every parameter's buffers and step count, and
    /// every group's hyper-parameters and parameter indices (see <see cref="OptimizerState"/> for the names). A snapshot:
    /// the tensors are copies. <see cref="LoadStateDict"/> on a new optimiser over the same parameters continues
    /// training exactly as this one would.
    /// </summary>
    public OptimizerState StateDict() => TakeState(copy: true);

    /// <summary>The state; with <paramref name="copy"/> false its tensors are the live buffers (for a checkpoint written at once).</summary>
    internal OptimizerState TakeState(bool copy)
    {
        var groups = new ParamGroupState[_groups.Length];
        int index = 0;
        for (int g = 0; g < _groups.Length; g++)
        {
            var group = _groups[g];
            var hyperparameters = new OrderedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["lr"] = group.Lr,
                ["weight_decay"] = group.WeightDecay,
            };
            AddOptions(hyperparameters);
            if (group.InitialLr is double initialLr) hyperparameters["initial_lr"] = initialLr;
            var indices = new int[group.ParameterArray.Length];
            for (int i = 0; i < indices.Length; i++) indices[i] = index++;
            groups[g] = new ParamGroupState(indices, hyperparameters);
        }
        var state = new Dictionary<int, IReadOnlyDictionary<string, Tensor>>();
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (ExportState(i) is not { } tensors) continue;
            if (copy)
                foreach (var name in tensors.Keys.ToArray()) tensors[name] = tensors[name].Copy();
            state.Add(i, tensors);
        }
        return new OptimizerState(GetType().Name, state, groups);
    }

    /// <summary>
    /// Restores a state taken by <see cref="StateDict"/> (or read from a checkpoint), as PyTorch's
    /// <c>optimizer.load_state_dict</c>: every group's <c>lr</c>, <c>weight_decay</c> and <c>initial_lr</c>, and every
    /// parameter's buffers and step count (copied; a parameter absent from the state starts afresh). Everything is
    /// checked first and nothing changes unless everything fits: the kind of optimiser, the number of groups and the
    /// parameter indices of each, the hyper-parameters this optimiser fixes at construction (build it with the saved
    /// ones), and each tensor's name, shape and dtype.
    /// </summary>
    /// <param name="state">The state to restore.</param>
    /// <exception cref="ArgumentException">The state does not fit this optimiser; the message lists every problem.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    public void LoadStateDict(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var problems = StateProblems(state);
        if (problems.Count > 0)
            throw new ArgumentException(
                $"{GetType().Name}.LoadStateDict: the state does not fit this optimiser: {MessageText.List(problems, separator: "; ")}.", nameof(state));
        RestoreState(state);
    }

    /// <summary>Everything that keeps <paramref name="state"/> from loading into this optimiser, each as a clause; empty when it fits.</summary>
    internal List<string> StateProblems(OptimizerState state)
    {
        string kind = GetType().Name;
        if (state.Kind != kind) return [$"it is the state of {MessageText.Quote(state.Kind)}, and this optimiser is {kind}"];
        if (state.ParamGroups.Count != _groups.Length)
            return [$"it has {state.ParamGroups.Count} parameter groups, and this optimiser has {_groups.Length}"];
        var problems = new List<string>();
        var options = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        AddOptions(options);
        int first = 0;
        for (int g = 0; g < _groups.Length; g++)
        {
            var saved = state.ParamGroups[g];
            int count = _groups[g].ParameterArray.Length;
            if (!IsRange(saved.Params, first, count))
                problems.Add($"param_groups.{g}.params is [{MessageText.List(saved.Params.Select(i => i.ToString()).ToArray())}], and this optimiser's group {g} " +
                    $"holds parameters {first} to {first + count - 1}");
            CheckGroupValues(saved, g, options, problems);
            first += count;
        }
        string[] names = StateNames;
        foreach (var (index, tensors) in state.State)
        {
            if (index < 0 || index >= _parameters.Length)
            {
                problems.Add($"state.{index} belongs to no parameter: this optimiser has parameters 0 to {_parameters.Length - 1}");
                continue;
            }
            if (tensors.Count == 0) continue; // no state: the parameter starts afresh
            var parameter = _parameters[index];
            foreach (var name in names)
            {
                if (!tensors.TryGetValue(name, out var tensor)) problems.Add($"state.{index}.{name} is missing");
                else if (name == StepName) CheckStep(tensor, $"state.{index}.{name}", problems);
                else if (tensor.Shape != parameter.Shape || tensor.DType != parameter.DType)
                    problems.Add($"state.{index}.{name} is {tensor.Shape} {tensor.DType}, and parameter {index} is {parameter.Shape} {parameter.DType}");
            }
            foreach (var name in tensors.Keys)
                if (Array.IndexOf(names, name) < 0)
                    problems.Add($"state.{index}.{name} is not part of {kind}'s state{(names.Length == 0 ? " with these options (it keeps none)" : $" (it keeps {string.Join(", ", names)})")}");
        }
        return problems;
    }

    /// <summary>Restores a state that <see cref="StateProblems"/> accepted.</summary>
    internal void RestoreState(OptimizerState state)
    {
        for (int g = 0; g < _groups.Length; g++)
        {
            var saved = state.ParamGroups[g].Hyperparameters;
            _groups[g].Lr = saved["lr"];
            _groups[g].WeightDecay = saved["weight_decay"];
            _groups[g].InitialLr = saved.TryGetValue("initial_lr", out double initialLr) ? initialLr : null;
        }
        for (int i = 0; i < _parameters.Length; i++)
            ImportState(i, state.State.TryGetValue(i, out var tensors) && tensors.Count > 0 ? tensors : null);
    }

    /// <summary>The hyper-parameters fixed at construction, by PyTorch's names (flags 1 or 0), added to <paramref name="options"/>.</summary>
    private protected abstract void AddOptions(OrderedDictionary<string, double> options);

    /// <summary>The names of the tensors a parameter's state holds with this optimiser's options (<see cref="StepName"/> first when counted).</summary>
    private protected abstract string[] StateNames { get; }

    /// <summary>The state of parameter <paramref name="index"/> by name (its live buffers; the step as a new scalar), or null before its first step.</summary>
    private protected abstract Dictionary<string, Tensor>? ExportState(int index);

    /// <summary>Replaces parameter <paramref name="index"/>'s state with copies of <paramref name="state"/> (already checked), or clears it when null.</summary>
    private protected abstract void ImportState(int index, IReadOnlyDictionary<string, Tensor>? state);

    /// <summary>A step count as its state holds it: a float64 scalar, as PyTorch's (float32 there).</summary>
    private protected static Tensor StepTensor(int step) => Tensor.Scalar(step, DType.Float64);

    /// <summary>The step count a checked <c>step</c> tensor holds.</summary>
    private protected static int StepOf(Tensor step) => (int)step.Item();

    private static void CheckStep(Tensor step, string where, List<string> problems)
    {
        if (step.Shape.Rank != 0)
        {
            problems.Add($"{where} has shape {step.Shape}; a step count is a scalar (shape [])");
            return;
        }
        double value = step.Item();
        if (!(value >= 0 && value <= int.MaxValue) || value != Math.Floor(value))
            problems.Add($"{where} is {value}; a step count is a whole number from 0 to {int.MaxValue}");
    }

    /// <summary>Checks a saved group's hyper-parameters: the group's own are valid, the optimiser's match, and no others.</summary>
    private static void CheckGroupValues(ParamGroupState saved, int g, OrderedDictionary<string, double> options, List<string> problems)
    {
        foreach (var name in (ReadOnlySpan<string>)["lr", "weight_decay", "initial_lr"])
        {
            if (!saved.Hyperparameters.TryGetValue(name, out double value))
            {
                if (name != "initial_lr") problems.Add($"param_groups.{g}.{name} is missing");
            }
            else if (!(value >= 0) || !double.IsFinite(value))
                problems.Add($"param_groups.{g}.{name} is {value}; expected a finite number ≥ 0");
        }
        foreach (var (name, expected) in options)
        {
            if (!saved.Hyperparameters.TryGetValue(name, out double value)) problems.Add($"param_groups.{g}.{name} is missing");
            else if (!value.Equals(expected))
                problems.Add($"param_groups.{g}.{name} is {value} in the state, and {expected} in this optimiser (build it with the saved value)");
        }
        foreach (var name in saved.Hyperparameters.Keys)
            if (name is not ("lr" or "weight_decay" or "initial_lr") && !options.ContainsKey(name))
                problems.Add($"param_groups.{g}.{name} is not a hyper-parameter of this optimiser (it has lr, weight_decay, initial_lr, {string.Join(", ", options.Keys)})");
    }

    private static bool IsRange(IReadOnlyList<int> indices, int first, int count)
    {
        if (indices.Count != count) return false;
        for (int i = 0; i < count; i++)
            if (indices[i] != first + i) return false;
        return true;
    }

    /// <summary>A flag as a state holds it: 1 or 0.</summary>
    private protected static double Flag(bool value) => value ? 1 : 0;
}
