using System.Collections.ObjectModel;
using MiniNet.Kernels;

namespace MiniNet.Optim;

/// <summary>
/// The base of every optimiser, as PyTorch's <c>torch.optim.Optimizer</c>: it holds the parameters (in
/// <see cref="ParamGroups"/>, each with its own learning rate and weight decay) and, on <see cref="Step"/>,
/// updates every parameter that has a gradient, in place, in one fused pass per parameter.
/// </summary>
/// <remarks>
/// The training loop: <c>optimizer.ZeroGrad(); loss.Backward(); optimizer.Step();</c>. Per-parameter
/// state (moments, momentum buffers) is allocated on the first step that sees the parameter's gradient;
/// later steps allocate nothing per parameter.
/// </remarks>
public abstract partial class Optimizer
{
    private readonly ParameterGroup[] _groups;
    private readonly Tensor[] _parameters;
    private readonly string _stepName;

    /// <summary>
    /// Takes the groups after checking every argument: first the learning rate and weight decay, then the
    /// optimiser's own options (<paramref name="checkOptions"/>), then the parameters. Only then does a group
    /// take the defaults, so a refused optimiser leaves the caller's groups as they were.
    /// </summary>
    private protected Optimizer(IEnumerable<ParameterGroup> groups, double lr, double weightDecay, Action checkOptions)
    {
        string name = GetType().Name;
        ArgumentNullException.ThrowIfNull(groups);
        Require.NonNegative(lr, nameof(lr), name);
        Require.NonNegative(weightDecay, nameof(weightDecay), name);
        checkOptions();
        _groups = groups.ToArray();
        if (_groups.Length == 0)
            throw new ArgumentException($"{name}: no parameter groups were given; pass at least one group of parameters.", nameof(groups));
        _parameters = CheckParameters(name, _groups);
        foreach (var group in _groups) group.TakeDefaults(lr, weightDecay);
        ParamGroups = new ReadOnlyCollection<ParameterGroup>(_groups);
        Parameters = new ReadOnlyCollection<Tensor>(_parameters);
        _stepName = name + ".Step";
    }

    /// <summary>The parameter groups, in the order given (PyTorch's <c>param_groups</c>).</summary>
    public IReadOnlyList<ParameterGroup> ParamGroups { get; }

    /// <summary>Every parameter, group by group, in the order given.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>
    /// The learning rate, spelt <c>lr</c> as everywhere in MiniNet and PyTorch (the constructors' <c>lr:</c>, a group's
    /// <c>Lr</c>, a schedule's <c>BaseLrs</c> and <c>LastLr</c>, <c>StepLr</c>). Setting it sets every group's; reading it
    /// needs the groups to agree (read <see cref="ParameterGroup.Lr"/> of each group otherwise).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    /// <exception cref="InvalidOperationException">Read while the groups have different learning rates.</exception>
    public double Lr
    {
        get => Shared(nameof(Lr), static group => group.Lr);
        set
        {
            Require.NonNegative(value, nameof(Lr), GetType().Name);
            foreach (var group in _groups) group.Lr = value;
        }
    }

    /// <summary>
    /// The weight decay. Setting it sets every group's; reading it needs the groups to agree (read
    /// <see cref="ParameterGroup.WeightDecay"/> of each group otherwise).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    /// <exception cref="InvalidOperationException">Read while the groups have different weight decays.</exception>
    public double WeightDecay
    {
        get => Shared(nameof(WeightDecay), static group => group.WeightDecay);
        set
        {
            Require.NonNegative(value, nameof(WeightDecay), GetType().Name);
            foreach (var group in _groups) group.WeightDecay = value;
        }
    }

    /// <summary>
    /// Updates every parameter whose <see cref="Tensor.Grad"/> is set, in place (bumping its version, so a
    /// graph that saved the old value refuses to backward). Parameters without a gradient are skipped and
    /// their state is left untouched, as in PyTorch. Nothing is recorded on the tape. A gradient holding NaN or ±∞ is
    /// used as it is (NaN goes into the weights, as in PyTorch) unless <see cref="ErrorIfNonfinite"/> is set.
    /// </summary>
    /// <exception cref="NotFiniteNumberException"><see cref="ErrorIfNonfinite"/> is set and a gradient holds NaN or ±∞; no parameter was updated.</exception>
    public void Step()
    {
        using var noGrad = Tape.PauseRecording();
        if (ErrorIfNonfinite) RefuseNonfiniteGradients();
        int index = 0;
        foreach (var group in _groups)
        {
            foreach (var parameter in group.ParameterArray)
            {
                if (parameter.Grad is { } gradient)
                {
                    parameter.BeginInPlace(_stepName);
                    Update(group, index, parameter, gradient);
                }
                index++;
            }
        }
    }

    /// <summary>
    /// Clears the gradients: sets every parameter's <see cref="Tensor.Grad"/> to null (the default, as in
    /// PyTorch 2), or fills it with zeros when <paramref name="setToNone"/> is false. A parameter whose
    /// gradient is null is skipped by <see cref="Step"/>; one whose gradient is zero is still updated
    /// (weight decay and momentum act on it).
    /// </summary>
    /// <remarks>
    /// The gradient tensors that backward made are not thrown away: the next backward pass writes the
    /// parameters' new gradients into them (a fresh value, never added to the old one), so that a training
    /// loop allocates no gradient memory after its first step. Hence one caveat: a reference to an old
    /// <see cref="Tensor.Grad"/> kept across <c>ZeroGrad</c> sees its values replaced by the next backward
    /// pass; <see cref="Tensor.Clone"/> it to keep it. A gradient you assigned yourself is never reused.
    /// </remarks>
    public void ZeroGrad(bool setToNone = true)
    {
        using var noGrad = Tape.PauseRecording();
        foreach (var parameter in _parameters)
        {
            if (setToNone) parameter.ReleaseGrad();
            else parameter.Grad?.Fill(0);
        }
    }

    /// <summary>Updates one parameter from its gradient; <paramref name="index"/> is its position in <see cref="Parameters"/> (the key of its state).</summary>
    private protected abstract void Update(ParameterGroup group, int index, Tensor parameter, Tensor gradient);

    /// <summary>The position of <paramref name="parameter"/> in <see cref="Parameters"/>, for the optimisers' state accessors.</summary>
    /// <exception cref="ArgumentException">It is not one of this optimiser's parameters.</exception>
    private protected int IndexOf(Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        int index = Array.IndexOf(_parameters, parameter);
        if (index < 0)
            throw new ArgumentException($"{GetType().Name}: the tensor of shape {parameter.Shape} is not one of this optimiser's {_parameters.Length} parameters.", nameof(parameter));
        return index;
    }

    /// <summary>Runs <paramref name="op"/> over the parameter, its gradient and up to three state buffers (null when unused), for either dtype.</summary>
    internal static void RunUpdate<TOp>(Tensor parameter, Tensor gradient, Tensor? state0, Tensor? state1, Tensor? state2, TOp op)
        where TOp : struct, IUpdateOp
    {
        // A large parameter's update is split into blocks that any kernel thread may take: each element is updated
        // alone, so the bits do not depend on the split.
        if (parameter.ElementCount >= UpdateBlocks<TOp>.Block * 8 && Parallelism.MaxThreads > 1)
        {
            UpdateBlocks<TOp>.Run(parameter, gradient, state0, state1, state2, op);
            return;
        }
        DTypeDispatch.Run(parameter.DType, new UpdateKernel<TOp>(parameter, gradient, state0, state1, state2, op));
    }

    /// <summary>
    /// One optimiser update cut into blocks of <see cref="Block"/> elements, for <see cref="RowJob"/>. The object is reused
    /// by the thread that steps (the update is done when <see cref="Run"/> returns), so a step allocates nothing.
    /// </summary>
    private sealed class UpdateBlocks<TOp> : IRowRange where TOp : struct, IUpdateOp
    {
        public const int Block = 16384;

        [ThreadStatic] private static UpdateBlocks<TOp>? t_reused;

        private Tensor? _parameter, _gradient, _state0, _state1, _state2;
        private TOp _op;

        public static void Run(Tensor parameter, Tensor gradient, Tensor? state0, Tensor? state1, Tensor? state2, TOp op)
        {
            var update = t_reused ?? new UpdateBlocks<TOp>();
            t_reused = null; // an op of the same type run from inside this one would get its own
            (update._parameter, update._gradient, update._state0, update._state1, update._state2, update._op) = (parameter, gradient, state0, state1, state2, op);
            RowJob.Run(update, (int)((parameter.ElementCount + Block - 1) / Block), parameter.ElementCount);
            (update._parameter, update._gradient, update._state0, update._state1, update._state2) = (null, null, null, null, null);
            t_reused = update;
        }

        void IRowRange.Run(int start, int end) => DTypeDispatch.Run(_parameter!.DType, new Range(this, start * Block,
            (int)Math.Min(_parameter.ElementCount, (long)end * Block)));

        private readonly struct Range(UpdateBlocks<TOp> update, int first, int end) : IDTypeKernel
        {
            public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => update.Update<T>(first, end - first);
        }

        private void Update<T>(int first, int count) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Simd.Update(_parameter!.Span<T>().Slice(first, count), _gradient!.Span<T>().Slice(first, count), Slice<T>(_state0, first, count),
                Slice<T>(_state1, first, count), Slice<T>(_state2, first, count), _op);

        private static Span<T> Slice<T>(Tensor? state, int first, int count) where T : unmanaged =>
            state is null ? default : state.Span<T>().Slice(first, count);
    }

    private readonly struct UpdateKernel<TOp>(Tensor parameter, Tensor gradient, Tensor? state0, Tensor? state1, Tensor? state2, TOp op) : IDTypeKernel
        where TOp : struct, IUpdateOp
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Simd.Update(parameter.Span<T>(), gradient.Span<T>(), state0 is null ? default : state0.Span<T>(),
                state1 is null ? default : state1.Span<T>(), state2 is null ? default : state2.Span<T>(), op);
    }

    private double Shared(string property, Func<ParameterGroup, double> value)
    {
        double first = value(_groups[0]);
        foreach (var group in _groups)
        {
            if (value(group) != first)
                throw new InvalidOperationException(
                    $"{GetType().Name}: the {_groups.Length} parameter groups have different values of {property}; read ParamGroups[i].{property} of each group instead.");
        }
        return first;
    }

    private static Tensor[] CheckParameters(string name, ParameterGroup[] groups)
    {
        var all = new List<Tensor>();
        var seen = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        // Errors name the argument the caller passed: a plain parameter list, or the groups.
        string argument = groups is [{ IsParameterList: true }] ? "parameters" : nameof(groups);
        for (int g = 0; g < groups.Length; g++)
        {
            if (groups[g] is null)
                throw new ArgumentNullException(nameof(groups), $"{name}: parameter group {g} of {groups.Length} is null.");
            var parameters = groups[g].ParameterArray;
            if (parameters.Length == 0)
                throw new ArgumentException(
                    groups.Length == 1
                        ? $"{name}: the parameter list is empty; an optimiser needs at least one parameter. If it came from a model's Parameters(), " +
                          "the model has none: a Module finds the layers and parameters held in its fields and properties (a Tensor counts when it " +
                          "requires grad) and those passed to RegisterModule or RegisterParameter; layers kept in a plain list need a ModuleList."
                        : $"{name}: parameter group {g} is empty; every group needs at least one parameter.",
                    argument);
            for (int i = 0; i < parameters.Length; i++)
            {
                string where = groups.Length == 1 ? $"parameter {i}" : $"parameter {i} of group {g}";
                var parameter = parameters[i]; // never null: a group refuses null parameters
                if (!parameter.IsLeaf)
                    throw new ArgumentException(
                        $"{name}: {where} (shape {parameter.Shape}) is not a leaf: it was computed by {parameter.GradFnName}. " +
                        "An optimiser updates the tensors a model is computed from; pass those, or Detach() this one and set RequiresGrad.", argument);
                if (!parameter.RequiresGrad)
                    throw new ArgumentException(
                        $"{name}: {where} (shape {parameter.Shape}) does not require grad, so it would never receive a gradient. " +
                        "Set RequiresGrad = true on it, or leave it out of the optimiser.", argument);
                if (!seen.TryAdd(parameter, where))
                    throw new ArgumentException(
                        $"{name}: {where} (shape {parameter.Shape}) is the same tensor as {seen[parameter]}; each parameter may appear only once.", argument);
                all.Add(parameter);
            }
        }
        return all.ToArray();
    }
}
