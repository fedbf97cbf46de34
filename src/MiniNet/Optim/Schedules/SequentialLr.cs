namespace MiniNet.Optim;

/// <summary>
/// Schedules run one after another (PyTorch's <c>SequentialLR</c>): <c>schedulers[0]</c> until the first
/// milestone, then <c>schedulers[1]</c> restarted from its epoch 0, and so on. The usual use is a warm-up
/// followed by a decay:
/// <code>
/// var warmup = new LinearLr(optimizer, startFactor: 0.1, totalIters: 5);
/// var cosine = new CosineAnnealingLr(optimizer, tMax: 95);
/// var schedule = new SequentialLr(optimizer, [warmup, cosine], milestones: [5]);
/// </code>
/// Step only the sequence, not the schedules in it.
/// </summary>
/// <param name="optimizer">The optimiser; every schedule must be attached to it.</param>
/// <param name="schedulers">The schedules, in the order they run.</param>
/// <param name="milestones">The epochs at which the next schedule takes over: one fewer than the schedules, increasing, each ≥ 1.</param>
/// <exception cref="ArgumentException">A schedule belongs to another optimiser, the milestone count is not one fewer than the schedule count, or the milestones are not increasing and positive.</exception>
public sealed class SequentialLr(Optimizer optimizer, IReadOnlyList<LrScheduler> schedulers, IReadOnlyList<int> milestones)
    : LrScheduler(optimizer)
{
    // Field initialisers run before the base constructor applies epoch 0, so the arguments are checked first.
    private readonly LrScheduler[] _schedulers = Check(optimizer, schedulers, milestones);
    private readonly int[] _milestones = [.. milestones];

    /// <summary>The schedules, in the order they run.</summary>
    public IReadOnlyList<LrScheduler> Schedulers => _schedulers;

    /// <summary>The epochs at which the next schedule takes over.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <inheritdoc/>
    public override double LrAt(int epoch, double baseLr)
    {
        var (scheduler, localEpoch) = Active(epoch);
        return scheduler.LrAt(localEpoch, baseLr);
    }

    private protected override void AddHyperparameters(OrderedDictionary<string, double> hyperparameters)
    {
        // its milestones and schedules are its state's own fields
    }

    private protected override IReadOnlyList<LrScheduler> Children => _schedulers;

    private protected override IReadOnlyList<int> ChildMilestones => _milestones;

    private protected override void ApplyEpoch(int epoch)
    {
        base.ApplyEpoch(epoch);
        var (scheduler, localEpoch) = Active(epoch);
        scheduler.RecordEpoch(localEpoch, LastLrs);
    }

    /// <summary>The schedule running at <paramref name="epoch"/> and its own epoch, counted from its milestone.</summary>
    private (LrScheduler Scheduler, int LocalEpoch) Active(int epoch)
    {
        int index = 0;
        while (index < _milestones.Length && _milestones[index] <= epoch) index++;
        return (_schedulers[index], index == 0 ? epoch : epoch - _milestones[index - 1]);
    }

    private static LrScheduler[] Check(Optimizer optimizer, IReadOnlyList<LrScheduler> schedulers, IReadOnlyList<int> milestones)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count == 0)
            throw new ArgumentException("SequentialLr: no schedules were given.", nameof(schedulers));
        for (int i = 0; i < schedulers.Count; i++)
            if (schedulers[i] is null)
                throw new ArgumentNullException(nameof(schedulers), $"SequentialLr: schedule {i} of {schedulers.Count} is null.");
        for (int i = 0; i < schedulers.Count; i++)
        {
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException(
                    $"SequentialLr: schedule {i} ({schedulers[i].GetType().Name}) is attached to a different optimiser; every schedule must set the learning rate of the optimiser passed here.",
                    nameof(schedulers));
        }
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException(
                $"SequentialLr: {schedulers.Count} schedules need {schedulers.Count - 1} milestones (the epochs where the next one takes over), got {milestones.Count}.",
                nameof(milestones));
        for (int i = 0; i < milestones.Count; i++)
        {
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1]))
                throw new ArgumentException(
                    $"SequentialLr: milestones must be increasing and at least 1, got [{string.Join(", ", milestones)}].", nameof(milestones));
        }
        return [.. schedulers];
    }
}
