namespace MiniNet.Optim;

/// <summary>
/// A schedule's position, as PyTorch's <c>scheduler.state_dict()</c>: the epoch it last set (<c>last_epoch</c>), each
/// group's base and last learning rate (<c>base_lrs</c>, <c>_last_lr</c>), its hyper-parameters under PyTorch's names
/// (<c>step_size</c>, <c>gamma</c>, <c>T_max</c>, <c>eta_min</c>, <c>start_factor</c>, <c>end_factor</c>,
/// <c>total_iters</c>) and, for a <see cref="SequentialLr"/>, its milestones and the states of its schedules
/// (<c>_milestones</c>, <c>_schedulers</c>). What <see cref="LrScheduler.StateDict"/> returns and
/// <see cref="LrScheduler.LoadStateDict"/> restores.
/// </summary>
public sealed class LrSchedulerState
{
    /// <summary>A state from its parts, for example as read from a file; <see cref="LrScheduler.LoadStateDict"/> checks it against the schedule.</summary>
    /// <param name="kind">The schedule's class name (<c>StepLr</c>, <c>SequentialLr</c>, …): a state loads only into its own kind.</param>
    /// <param name="lastEpoch">The epoch the schedule last set (PyTorch's <c>last_epoch</c>), ≥ 0.</param>
    /// <param name="baseLrs">Each group's base learning rate (PyTorch's <c>base_lrs</c>).</param>
    /// <param name="lastLrs">Each group's learning rate as the schedule last set it (PyTorch's <c>_last_lr</c>).</param>
    /// <param name="hyperparameters">The schedule's hyper-parameters by PyTorch's names.</param>
    /// <param name="milestones">A <see cref="SequentialLr"/>'s milestones; null (none) for other schedules.</param>
    /// <param name="schedulers">The states of a <see cref="SequentialLr"/>'s schedules, in order; null (none) for other schedules.</param>
    /// <exception cref="ArgumentNullException">A required argument, or one of the <paramref name="schedulers"/>, is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lastEpoch"/> is negative.</exception>
    public LrSchedulerState(string kind, int lastEpoch, IReadOnlyList<double> baseLrs, IReadOnlyList<double> lastLrs,
        IReadOnlyDictionary<string, double> hyperparameters, IReadOnlyList<int>? milestones = null, IReadOnlyList<LrSchedulerState>? schedulers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(baseLrs);
        ArgumentNullException.ThrowIfNull(lastLrs);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        if (lastEpoch < 0)
            throw new ArgumentOutOfRangeException(nameof(lastEpoch), lastEpoch, $"LrSchedulerState: lastEpoch is {lastEpoch}; a schedule's epoch counts from 0.");
        if (schedulers is not null)
            for (int i = 0; i < schedulers.Count; i++)
                if (schedulers[i] is null)
                    throw new ArgumentNullException(nameof(schedulers), $"LrSchedulerState: schedule {i} of {schedulers.Count} is null.");
        Kind = kind;
        LastEpoch = lastEpoch;
        BaseLrs = [.. baseLrs];
        LastLrs = [.. lastLrs];
        var copied = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in hyperparameters) copied.Add(name, value);
        Hyperparameters = copied;
        Milestones = milestones is null ? [] : [.. milestones];
        Schedulers = schedulers is null ? [] : [.. schedulers];
    }

    /// <summary>The schedule's class name.</summary>
    public string Kind { get; }

    /// <summary>The epoch the schedule last set (PyTorch's <c>last_epoch</c>).</summary>
    public int LastEpoch { get; }

    /// <summary>How many times the learning rate was set, the constructor's time included (PyTorch's <c>_step_count</c>): <see cref="LastEpoch"/> + 1.</summary>
    public int StepCount => LastEpoch + 1;

    /// <summary>Each group's base learning rate (PyTorch's <c>base_lrs</c>).</summary>
    public IReadOnlyList<double> BaseLrs { get; }

    /// <summary>Each group's learning rate as the schedule last set it (PyTorch's <c>_last_lr</c>).</summary>
    public IReadOnlyList<double> LastLrs { get; }

    /// <summary>The hyper-parameters by PyTorch's names (empty for a <see cref="SequentialLr"/>).</summary>
    public IReadOnlyDictionary<string, double> Hyperparameters { get; }

    /// <summary>A <see cref="SequentialLr"/>'s milestones (PyTorch's <c>_milestones</c>); empty for other schedules.</summary>
    public IReadOnlyList<int> Milestones { get; }

    /// <summary>The states of a <see cref="SequentialLr"/>'s schedules (PyTorch's <c>_schedulers</c>); empty for other schedules.</summary>
    public IReadOnlyList<LrSchedulerState> Schedulers { get; }
}
