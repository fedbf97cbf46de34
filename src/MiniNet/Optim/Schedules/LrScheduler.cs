using System.Collections.ObjectModel;

namespace MiniNet.Optim;

/// <summary>
/// The base of the learning-rate schedules, as PyTorch's <c>torch.optim.lr_scheduler</c>: a schedule is
/// attached to an optimiser, sets its learning rate for epoch 0 at once, and on every <see cref="Step"/>
/// moves to the next epoch (or iteration: call it as often as the schedule should advance) and sets the
/// learning rate of every parameter group from that group's base learning rate.
/// </summary>
/// <remarks>
/// <para>The training loop: <c>optimizer.Step()</c> for each batch, then <c>scheduler.Step()</c> at the end of
/// each epoch. The base learning rate of a group is its learning rate when the first schedule was attached
/// to the optimiser (PyTorch's <c>initial_lr</c>), so several schedules built for one
/// <see cref="SequentialLr"/> share it.</para>
/// <para>Every schedule is computed in closed form from the base learning rate and the epoch (PyTorch's
/// <c>_get_closed_form_lr</c>). PyTorch's <c>step()</c> instead multiplies the current learning rate by a
/// ratio each epoch; the two agree to within a few rounding errors (checked against PyTorch in the tests),
/// but a closed form cannot drift, and it overwrites a learning rate changed by hand between steps where
/// PyTorch's recursive form would scale it. To run schedules one after another, use <see cref="SequentialLr"/>.</para>
/// </remarks>
public abstract partial class LrScheduler
{
    private readonly double[] _baseLrs;
    private readonly double[] _lastLrs;

    /// <summary>
    /// Attaches to <paramref name="optimizer"/> and applies epoch 0. A subclass's hyper-parameters are
    /// checked and stored in its property initialisers, which C# runs before this constructor.
    /// </summary>
    private protected LrScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        var groups = optimizer.ParamGroups;
        _baseLrs = new double[groups.Count];
        _lastLrs = new double[groups.Count];
        for (int g = 0; g < groups.Count; g++)
            _baseLrs[g] = groups[g].InitialLr ??= groups[g].Lr;
        BaseLrs = new ReadOnlyCollection<double>(_baseLrs);
        LastLrs = new ReadOnlyCollection<double>(_lastLrs);
        ApplyEpoch(0);
    }

    /// <summary>The optimiser whose learning rate this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The epoch (or iteration) the learning rate was last set for: 0 after construction, +1 per <see cref="Step"/> (PyTorch's <c>last_epoch</c>).</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Each parameter group's base learning rate (PyTorch's <c>base_lrs</c>).</summary>
    public IReadOnlyList<double> BaseLrs { get; }

    /// <summary>Each parameter group's learning rate as this schedule last set it (PyTorch's <c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> LastLrs { get; }

    /// <summary>The learning rate this schedule last set, when all groups share it (see <see cref="LastLrs"/> otherwise).</summary>
    /// <exception cref="InvalidOperationException">The optimiser's groups have different learning rates.</exception>
    public double LastLr
    {
        get
        {
            foreach (double lr in _lastLrs)
            {
                if (lr != _lastLrs[0])
                    throw new InvalidOperationException(
                        $"{GetType().Name}: the {_lastLrs.Length} parameter groups have different learning rates; read LastLrs[i] instead.");
            }
            return _lastLrs[0];
        }
    }

    /// <summary>Advances one epoch (or iteration) and sets the optimiser's learning rates for it.</summary>
    public void Step() => ApplyEpoch(LastEpoch + 1);

    /// <summary>The learning rate this schedule gives at <paramref name="epoch"/> to a group whose base learning rate is <paramref name="baseLr"/>.</summary>
    /// <param name="epoch">The epoch (or iteration), from 0.</param>
    /// <param name="baseLr">The group's learning rate at epoch 0 before any schedule.</param>
    public abstract double LrAt(int epoch, double baseLr);

    /// <summary>Sets every group's learning rate for <paramref name="epoch"/> and records it.</summary>
    private protected virtual void ApplyEpoch(int epoch)
    {
        var groups = Optimizer.ParamGroups;
        for (int g = 0; g < groups.Count; g++)
            groups[g].Lr = _lastLrs[g] = LrAt(epoch, _baseLrs[g]);
        LastEpoch = epoch;
    }

    /// <summary>Records that a <see cref="SequentialLr"/> ran this schedule at <paramref name="epoch"/>, as PyTorch's children see it.</summary>
    internal void RecordEpoch(int epoch, IReadOnlyList<double> learningRates)
    {
        LastEpoch = epoch;
        for (int g = 0; g < _lastLrs.Length; g++) _lastLrs[g] = learningRates[g];
    }
}
