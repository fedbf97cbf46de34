using System.Globalization;
using System.Text;
using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Serialization;

/// <summary>
/// Training checkpoints: one safetensors file that holds everything a run needs to continue exactly where it stopped —
/// the model's parameters and buffers, the optimiser's state, the schedule's position, the epoch and the generators' states (the
/// shuffles', the dropout masks'). <see cref="Load"/> into freshly built objects, then train on: the weights come out
/// bit for bit as those of a run that never stopped.
/// </summary>
/// <remarks>
/// <para>The layout, readable by any safetensors reader: the parameters and buffers as <c>model.{name}</c> (the names of
/// <see cref="Module.StateDict"/>), the optimiser's per-parameter tensors as <c>optimizer.state.{i}.{name}</c> (PyTorch's
/// names: <c>exp_avg</c>, <c>momentum_buffer</c>, <c>step</c>, …); and in the metadata, as JSON laid out like PyTorch's
/// dictionaries, <c>optimizer</c> (the kind and <c>param_groups</c>), <c>schedule</c>, <c>generators</c>, and
/// <c>epoch</c>. Saving is atomic, as <see cref="SafeTensors.Save(string, IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, string})"/>:
/// a run killed while saving leaves the previous checkpoint whole.</para>
/// <para>A DataLoader draws each epoch's order afresh from its generator, so checkpointing that generator is all its
/// shuffling needs: pass it among the generators, and the resumed epochs see the orders the uninterrupted run saw.</para>
/// </remarks>
/// <example>
/// <code>
/// for (int epoch = start + 1; epoch &lt;= epochs; epoch++)
/// {
///     TrainOneEpoch();
///     Checkpoint.Save($"checkpoints/epoch-{epoch}.safetensors", model, optimizer, schedule, epoch, shuffles, dropoutMasks);
/// }
/// // To resume: build the model, optimiser, schedule, generators and loader as before, then
/// int start = Checkpoint.Load(path, model, optimizer, schedule, shuffles, dropoutMasks);
/// </code>
/// </example>
public static class Checkpoint
{
    private const string FormatKey = "mininet.checkpoint", Format = "1";
    private const string ModelPrefix = "model.", OptimizerPrefix = "optimizer.state.";

    /// <summary>Writes a checkpoint of everything given to <paramref name="path"/> (atomically).</summary>
    /// <param name="path">The file to write (a <c>.safetensors</c> name is customary).</param>
    /// <param name="model">The model whose parameters and buffers are saved.</param>
    /// <param name="optimizer">The optimiser whose state is saved.</param>
    /// <param name="schedule">The learning-rate schedule attached to <paramref name="optimizer"/>, or null when there is none.</param>
    /// <param name="epoch">The number of epochs finished (≥ 0): what <see cref="Load"/> returns, so training goes on from the next one.</param>
    /// <param name="generators">Every generator the rest of the run draws from (a loader's shuffles, dropout masks), in an order <see cref="Load"/> repeats.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="schedule"/>, or one of the generators, is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="schedule"/> sets another optimiser's learning rate.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, Module model, Optimizer optimizer, LrScheduler? schedule, int epoch, params IReadOnlyList<Generator> generators)
    {
        CheckArguments(path, model, optimizer, schedule, generators, nameof(Save));
        if (epoch < 0)
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"Checkpoint.Save: epoch is {epoch}; it counts the epochs finished, from 0.");
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.StateDict()) tensors.Add(ModelPrefix + name, parameter);
        var optimizerState = optimizer.TakeState(copy: false); // written at once, so the live buffers will do
        foreach (var (index, state) in optimizerState.State)
            foreach (var (name, tensor) in state) tensors.Add($"{OptimizerPrefix}{index}.{name}", tensor);
        var generatorStates = new GeneratorState[generators.Count];
        for (int i = 0; i < generatorStates.Length; i++) generatorStates[i] = generators[i].GetState();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FormatKey] = Format,
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = CheckpointJson.Optimizer(optimizerState),
            ["generators"] = CheckpointJson.Generators(generatorStates),
        };
        if (schedule is not null) metadata["schedule"] = CheckpointJson.Schedule(schedule.StateDict());
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Restores a checkpoint that <see cref="Save"/> wrote into <paramref name="model"/>, <paramref name="optimizer"/>,
    /// <paramref name="schedule"/> and <paramref name="generators"/>, built as they were for the run that saved it, and
    /// returns the number of epochs that run had finished. Everything is checked before anything changes: the model's
    /// names, shapes and dtypes, the optimiser's kind, groups, hyper-parameters and state, the schedule's kind and
    /// hyper-parameters, and the number of generators; a file that does not fit is refused with every mismatch listed.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">The model, built with the saved run's architecture.</param>
    /// <param name="optimizer">The optimiser over the model's parameters, of the saved kind and with its hyper-parameters.</param>
    /// <param name="schedule">The schedule attached to <paramref name="optimizer"/> as in the saved run, or null when it had none.</param>
    /// <param name="generators">The generators, as many and in the order given to <see cref="Save"/>; their states are restored in place.</param>
    /// <returns>The epoch saved: the number of epochs finished.</returns>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="schedule"/>, or one of the generators, is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="schedule"/> sets another optimiser's learning rate.</exception>
    /// <exception cref="InvalidDataException">The file is not a MiniNet checkpoint, is malformed, or does not fit what is given; the message names the file and every mismatch.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static int Load(string path, Module model, Optimizer optimizer, LrScheduler? schedule, params IReadOnlyList<Generator> generators)
    {
        CheckArguments(path, model, optimizer, schedule, generators, nameof(Load));
        var file = SafeTensors.Load(path);
        InvalidDataException Refuse(string problem, Exception? inner = null) => new($"Checkpoint '{path}': {problem}.", inner);
        var metadata = file.Metadata;
        if (metadata is null || !metadata.TryGetValue(FormatKey, out string? format))
            throw Refuse($"it is not a MiniNet checkpoint (its metadata has no '{FormatKey}'); a model saved with Module.Save loads with Module.Load");
        if (format != Format) throw Refuse($"it is a checkpoint of format {MessageText.Quote(format)}, and this MiniNet reads format {Format}");
        string Entry(string key) => metadata.TryGetValue(key, out string? value) ? value : throw Refuse($"its metadata has no '{key}'");
        if (!int.TryParse(Entry("epoch"), NumberStyles.None, CultureInfo.InvariantCulture, out int epoch))
            throw Refuse($"its epoch is {MessageText.Quote(Entry("epoch"))}, not a whole number ≥ 0");

        var problems = new List<string>();
        var (modelTensors, optimizerTensors) = SplitTensors(file.Tensors, problems);
        var optimizerState = CheckpointJson.ReadOptimizer(Entry("optimizer"), optimizerTensors, Refuse);
        var scheduleState = metadata.TryGetValue("schedule", out string? scheduleText) ? CheckpointJson.ReadSchedule(scheduleText, Refuse) : null;
        var generatorStates = CheckpointJson.ReadGenerators(Entry("generators"), Refuse);

        foreach (var problem in model.StateDictProblems(modelTensors)) problems.Add($"model: {problem}");
        foreach (var problem in optimizer.StateProblems(optimizerState)) problems.Add($"optimizer: {problem}");
        if (scheduleState is null && schedule is not null)
            problems.Add($"schedule: the file holds none, and a {schedule.GetType().Name} was given (pass null for a run without one)");
        else if (scheduleState is not null && schedule is null)
            problems.Add($"schedule: the file holds a {MessageText.Quote(scheduleState.Kind)}, and none was given");
        else if (scheduleState is not null) schedule!.CheckState(scheduleState, "schedule: ", problems);
        if (generatorStates.Count != generators.Count)
            problems.Add($"generators: the file holds {generatorStates.Count}, and {generators.Count} were given (the same generators as saved, in the same order)");
        if (problems.Count > 0)
        {
            var message = new StringBuilder($"Checkpoint '{path}' does not fit what it is loaded into:");
            foreach (var problem in problems.Take(MessageText.ItemsShown)) message.Append("\n  ").Append(problem);
            if (problems.Count > MessageText.ItemsShown) message.Append($"\n  and {problems.Count - MessageText.ItemsShown:N0} more");
            throw new InvalidDataException(message.ToString());
        }

        model.CopyStateDict(modelTensors);
        optimizer.RestoreState(optimizerState);
        schedule?.RestoreState(scheduleState!);
        for (int i = 0; i < generators.Count; i++) generators[i].SetState(generatorStates[i]);
        return epoch;
    }

    private static void CheckArguments(string path, Module model, Optimizer optimizer, LrScheduler? schedule, IReadOnlyList<Generator> generators, string method)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(generators);
        for (int i = 0; i < generators.Count; i++)
            if (generators[i] is null)
                throw new ArgumentNullException(nameof(generators), $"Checkpoint.{method}: generator {i} of {generators.Count} is null.");
        if (schedule is not null && !ReferenceEquals(schedule.Optimizer, optimizer))
            throw new ArgumentException(
                $"Checkpoint.{method}: the {schedule.GetType().Name} sets the learning rate of another optimiser; pass the schedule attached to this one.", nameof(schedule));
    }

    /// <summary>The file's tensors split into the model's (prefix removed) and the optimiser's (by parameter index and name); any other name is a problem.</summary>
    private static (Dictionary<string, Tensor> Model, Dictionary<int, IReadOnlyDictionary<string, Tensor>> Optimizer) SplitTensors(
        IReadOnlyDictionary<string, Tensor> tensors, List<string> problems)
    {
        var model = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var optimizer = new Dictionary<int, Dictionary<string, Tensor>>();
        var strays = new List<string>();
        foreach (var (name, tensor) in tensors)
        {
            if (name.StartsWith(ModelPrefix, StringComparison.Ordinal)) model.Add(name[ModelPrefix.Length..], tensor);
            else if (name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)
                && name.AsSpan(OptimizerPrefix.Length) is var rest && rest.IndexOf('.') is > 0 and var dot
                && int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                if (!optimizer.TryGetValue(index, out var state)) optimizer.Add(index, state = new Dictionary<string, Tensor>(StringComparer.Ordinal));
                state.Add(rest[(dot + 1)..].ToString(), tensor);
            }
            else strays.Add(MessageText.Quote(name));
        }
        if (strays.Count > 0) problems.Add($"file: tensors that are neither model.* nor optimizer.state.{{i}}.*: {MessageText.List(strays)}");
        var byIndex = new Dictionary<int, IReadOnlyDictionary<string, Tensor>>();
        foreach (var (index, state) in optimizer) byIndex.Add(index, state);
        return (model, byIndex);
    }
}
