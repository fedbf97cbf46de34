namespace MiniNet.Optim;

// Saving and restoring a schedule's position, as PyTorch's scheduler.state_dict()/load_state_dict().
public abstract partial class LrScheduler
{
    /// <summary>
    /// The schedule's position, as PyTorch's <c>scheduler.state_dict()</c>: the epoch it last set, the base and last
    /// learning rates, its hyper-parameters and, for a <see cref="SequentialLr"/>, the states of its schedules.
    /// </summary>
    public LrSchedulerState StateDict()
    {
        var hyperparameters = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        AddHyperparameters(hyperparameters);
        var children = Children;
        var states = new LrSchedulerState[children.Count];
        for (int i = 0; i < states.Length; i++) states[i] = children[i].StateDict();
        return new LrSchedulerState(GetType().Name, LastEpoch, _baseLrs, _lastLrs, hyperparameters, ChildMilestones, states);
    }

    /// <summary>
    /// Restores a position taken by <see cref="StateDict"/>, as PyTorch's <c>scheduler.load_state_dict</c>: the epoch,
    /// the base and last learning rates (and a <see cref="SequentialLr"/>'s schedules'). It then sets the optimiser's
    /// learning rates to the restored last ones, as the next epoch's step expects, so the order in which the schedule
    /// and the optimiser are built and loaded does not matter. Everything is checked first, and nothing changes unless
    /// everything fits: the kind, the hyper-parameters (build the schedule with the saved ones), the number of groups,
    /// and a sequence's milestones and schedules.
    /// </summary>
    /// <param name="state">The position to restore.</param>
    /// <exception cref="ArgumentException">The state does not fit this schedule; the message lists every problem.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    public void LoadStateDict(LrSchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var problems = new List<string>();
        CheckState(state, "", problems);
        if (problems.Count > 0)
            throw new ArgumentException(
                $"{GetType().Name}.LoadStateDict: the state does not fit this schedule: {MessageText.List(problems, separator: "; ")}.", nameof(state));
        RestoreState(state);
    }

    /// <summary>Adds the problems that keep <paramref name="state"/> from loading into this schedule, each prefixed with <paramref name="where"/>.</summary>
    internal void CheckState(LrSchedulerState state, string where, List<string> problems)
    {
        string kind = GetType().Name;
        if (state.Kind != kind)
        {
            problems.Add($"{where}it is the state of {MessageText.Quote(state.Kind)}, and this schedule is {kind}");
            return;
        }
        var expected = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        AddHyperparameters(expected);
        foreach (var (name, value) in expected)
        {
            if (!state.Hyperparameters.TryGetValue(name, out double saved)) problems.Add($"{where}{name} is missing");
            else if (!saved.Equals(value)) problems.Add($"{where}{name} is {saved} in the state, and {value} in this schedule (build it with the saved value)");
        }
        foreach (var name in state.Hyperparameters.Keys)
            if (!expected.ContainsKey(name))
                problems.Add($"{where}{name} is not a hyper-parameter of {kind}{(expected.Count == 0 ? "" : $" (it has {string.Join(", ", expected.Keys)})")}");
        CheckRates(state.BaseLrs, where + "base_lrs", problems);
        CheckRates(state.LastLrs, where + "_last_lr", problems);
        if (!state.Milestones.SequenceEqual(ChildMilestones))
            problems.Add($"{where}_milestones is [{string.Join(", ", state.Milestones)}] in the state, and [{string.Join(", ", ChildMilestones)}] in this schedule");
        var children = Children;
        if (state.Schedulers.Count != children.Count)
            problems.Add($"{where}_schedulers holds {state.Schedulers.Count} schedules in the state, and this schedule runs {children.Count}");
        else
            for (int i = 0; i < children.Count; i++) children[i].CheckState(state.Schedulers[i], $"{where}_schedulers.{i}: ", problems);
    }

    /// <summary>Restores a state that <see cref="CheckState"/> accepted, then sets the optimiser's learning rates to the last ones.</summary>
    internal void RestoreState(LrSchedulerState state)
    {
        RestorePosition(state);
        var groups = Optimizer.ParamGroups;
        for (int g = 0; g < groups.Count; g++) groups[g].Lr = _lastLrs[g];
    }

    private void RestorePosition(LrSchedulerState state)
    {
        LastEpoch = state.LastEpoch;
        for (int g = 0; g < _baseLrs.Length; g++) (_baseLrs[g], _lastLrs[g]) = (state.BaseLrs[g], state.LastLrs[g]);
        var children = Children;
        for (int i = 0; i < children.Count; i++) children[i].RestorePosition(state.Schedulers[i]);
    }

    /// <summary>The schedule's hyper-parameters by PyTorch's names, added to <paramref name="hyperparameters"/>.</summary>
    private protected abstract void AddHyperparameters(OrderedDictionary<string, double> hyperparameters);

    /// <summary>The schedules a <see cref="SequentialLr"/> runs; none for the others.</summary>
    private protected virtual IReadOnlyList<LrScheduler> Children => [];

    /// <summary>A <see cref="SequentialLr"/>'s milestones; none for the others.</summary>
    private protected virtual IReadOnlyList<int> ChildMilestones => [];

    private void CheckRates(IReadOnlyList<double> rates, string where, List<string> problems)
    {
        if (rates.Count != _baseLrs.Length)
        {
            problems.Add($"{where} holds {rates.Count} learning rates, and the optimiser has {_baseLrs.Length} parameter groups");
            return;
        }
        for (int g = 0; g < rates.Count; g++)
            if (!(rates[g] >= 0) || !double.IsFinite(rates[g]))
                problems.Add($"{where}.{g} is {rates[g]}; expected a finite number ≥ 0");
    }
}
