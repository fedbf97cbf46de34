using System.Buffers;
using System.Text;
using System.Text.Json;
using MiniNet.Optim;

namespace MiniNet.Serialization;

/// <summary>
/// The JSON a checkpoint's metadata holds for what is not a tensor: the optimiser's <c>param_groups</c>, the schedule's
/// position and the generators' states, laid out as PyTorch's dictionaries (flat objects with PyTorch's keys). Numbers
/// are written in the shortest form that reads back to the same double, so every value survives bit for bit.
/// </summary>
internal static class CheckpointJson
{
    private const string Kind = "kind";

    /// <summary><c>{"kind": "Adam", "param_groups": [{"params": [0, 1], "lr": 0.001, …}, …]}</c>; the per-parameter tensors go in the file as tensors.</summary>
    public static string Optimizer(OptimizerState state) => Write(json =>
    {
        json.WriteStartObject();
        json.WriteString(Kind, state.Kind);
        json.WriteStartArray("param_groups");
        foreach (var group in state.ParamGroups)
        {
            json.WriteStartObject();
            json.WriteStartArray("params");
            foreach (int index in group.Params) json.WriteNumberValue(index);
            json.WriteEndArray();
            foreach (var (name, value) in group.Hyperparameters) json.WriteNumber(name, value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>Reads what <see cref="Optimizer(OptimizerState)"/> wrote, with <paramref name="state"/> (the tensors by parameter index) as the state.</summary>
    public static OptimizerState ReadOptimizer(string text, IReadOnlyDictionary<int, IReadOnlyDictionary<string, Tensor>> state, Refusal refuse)
    {
        using var document = Parse(text, "optimizer", refuse);
        var root = Object(document.RootElement, "optimizer", refuse);
        string kind = String(Property(root, Kind, "optimizer", refuse), "optimizer.kind", refuse);
        var groups = new List<ParamGroupState>();
        var list = Array(Property(root, "param_groups", "optimizer", refuse), "optimizer.param_groups", refuse);
        foreach (var group in list.EnumerateArray())
        {
            string where = $"optimizer.param_groups.{groups.Count}";
            Object(group, where, refuse);
            var indices = new List<int>();
            foreach (var index in Array(Property(group, "params", where, refuse), where + ".params", refuse).EnumerateArray())
                indices.Add(Int(index, $"{where}.params.{indices.Count}", refuse));
            var hyperparameters = new OrderedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var property in group.EnumerateObject())
                if (property.Name != "params") hyperparameters[property.Name] = Number(property.Value, $"{where}.{property.Name}", refuse);
            groups.Add(new ParamGroupState(indices, hyperparameters));
        }
        return new OptimizerState(kind, state, groups);
    }

    /// <summary>PyTorch's scheduler <c>state_dict()</c> as a flat object, with <c>kind</c>; a sequence's schedules nested in <c>_schedulers</c>.</summary>
    public static string Schedule(LrSchedulerState state) => Write(json => WriteSchedule(json, state));

    /// <summary>Reads what <see cref="Schedule(LrSchedulerState)"/> wrote.</summary>
    public static LrSchedulerState ReadSchedule(string text, Refusal refuse)
    {
        using var document = Parse(text, "schedule", refuse);
        return ReadSchedule(document.RootElement, "schedule", refuse);
    }

    /// <summary><c>[{"seed": …, "state": [s0, s1, s2, s3], "spare_normal": … or null}, …]</c>, the 64-bit words as exact integers.</summary>
    public static string Generators(IReadOnlyList<GeneratorState> states) => Write(json =>
    {
        json.WriteStartArray();
        foreach (var state in states)
        {
            json.WriteStartObject();
            json.WriteNumber("seed", state.Seed);
            json.WriteStartArray("state");
            foreach (ulong word in (ReadOnlySpan<ulong>)[state.S0, state.S1, state.S2, state.S3]) json.WriteNumberValue(word);
            json.WriteEndArray();
            if (state.SpareNormal is double spare) json.WriteNumber("spare_normal", spare);
            else json.WriteNull("spare_normal");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    });

    /// <summary>Reads what <see cref="Generators"/> wrote.</summary>
    public static List<GeneratorState> ReadGenerators(string text, Refusal refuse)
    {
        using var document = Parse(text, "generators", refuse);
        var states = new List<GeneratorState>();
        foreach (var item in Array(document.RootElement, "generators", refuse).EnumerateArray())
        {
            string where = $"generators.{states.Count}";
            Object(item, where, refuse);
            var words = Array(Property(item, "state", where, refuse), where + ".state", refuse);
            if (words.GetArrayLength() != 4) throw refuse($"metadata {where}.state holds {words.GetArrayLength()} numbers; a generator's state is 4 64-bit words");
            var s = new ulong[4];
            for (int i = 0; i < 4; i++) s[i] = UInt64(words[i], $"{where}.state.{i}", refuse);
            var spareElement = Property(item, "spare_normal", where, refuse);
            double? spare = spareElement.ValueKind == JsonValueKind.Null ? null : Number(spareElement, where + ".spare_normal", refuse);
            try
            {
                states.Add(new GeneratorState(UInt64(Property(item, "seed", where, refuse), where + ".seed", refuse), s[0], s[1], s[2], s[3], spare));
            }
            catch (ArgumentException e)
            {
                throw refuse($"metadata {where} is not a generator's state ({MessageText.Reason(e)})", e);
            }
        }
        return states;
    }

    private static void WriteSchedule(Utf8JsonWriter json, LrSchedulerState state)
    {
        json.WriteStartObject();
        json.WriteString(Kind, state.Kind);
        json.WriteNumber("last_epoch", state.LastEpoch);
        json.WriteNumber("_step_count", state.StepCount);
        WriteNumbers(json, "base_lrs", state.BaseLrs);
        WriteNumbers(json, "_last_lr", state.LastLrs);
        foreach (var (name, value) in state.Hyperparameters) json.WriteNumber(name, value);
        if (state.Schedulers.Count > 0)
        {
            json.WriteStartArray("_milestones");
            foreach (int milestone in state.Milestones) json.WriteNumberValue(milestone);
            json.WriteEndArray();
            json.WriteStartArray("_schedulers");
            foreach (var child in state.Schedulers) WriteSchedule(json, child);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static LrSchedulerState ReadSchedule(JsonElement element, string where, Refusal refuse)
    {
        Object(element, where, refuse);
        string kind = String(Property(element, Kind, where, refuse), where + ".kind", refuse);
        int lastEpoch = Int(Property(element, "last_epoch", where, refuse), where + ".last_epoch", refuse);
        if (lastEpoch < 0) throw refuse($"metadata {where}.last_epoch is {lastEpoch}; a schedule's epoch counts from 0");
        int stepCount = Int(Property(element, "_step_count", where, refuse), where + "._step_count", refuse);
        if (stepCount != lastEpoch + 1)
            throw refuse($"metadata {where}._step_count is {stepCount} and last_epoch {lastEpoch}; a schedule steps once per epoch, so _step_count is last_epoch + 1");
        var baseLrs = Numbers(Property(element, "base_lrs", where, refuse), where + ".base_lrs", refuse);
        var lastLrs = Numbers(Property(element, "_last_lr", where, refuse), where + "._last_lr", refuse);
        var hyperparameters = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        List<int>? milestones = null;
        List<LrSchedulerState>? schedulers = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case Kind or "last_epoch" or "_step_count" or "base_lrs" or "_last_lr":
                    break;
                case "_milestones":
                    milestones = [];
                    foreach (var milestone in Array(property.Value, where + "._milestones", refuse).EnumerateArray())
                        milestones.Add(Int(milestone, $"{where}._milestones.{milestones.Count}", refuse));
                    break;
                case "_schedulers":
                    schedulers = [];
                    foreach (var child in Array(property.Value, where + "._schedulers", refuse).EnumerateArray())
                        schedulers.Add(ReadSchedule(child, $"{where}._schedulers.{schedulers.Count}", refuse));
                    break;
                default:
                    hyperparameters[property.Name] = Number(property.Value, $"{where}.{property.Name}", refuse);
                    break;
            }
        }
        return new LrSchedulerState(kind, lastEpoch, baseLrs, lastLrs, hyperparameters, milestones, schedulers);
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, IReadOnlyList<double> values)
    {
        json.WriteStartArray(name);
        foreach (double value in values) json.WriteNumberValue(value);
        json.WriteEndArray();
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer)) write(json);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonDocument Parse(string text, string key, Refusal refuse)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw refuse($"metadata '{key}' is not valid JSON ({e.Message})", e);
        }
    }

    private static JsonElement Property(JsonElement element, string name, string where, Refusal refuse) =>
        element.TryGetProperty(name, out var value) ? value : throw refuse($"metadata {where} has no '{name}'");

    private static JsonElement Object(JsonElement element, string where, Refusal refuse) =>
        element.ValueKind == JsonValueKind.Object ? element : throw refuse($"metadata {where} is a JSON {element.ValueKind}, not an object");

    private static JsonElement Array(JsonElement element, string where, Refusal refuse) =>
        element.ValueKind == JsonValueKind.Array ? element : throw refuse($"metadata {where} is a JSON {element.ValueKind}, not an array");

    private static string String(JsonElement element, string where, Refusal refuse) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw refuse($"metadata {where} is a JSON {element.ValueKind}, not a string");

    private static double Number(JsonElement element, string where, Refusal refuse) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out double value) && double.IsFinite(value)
            ? value : throw refuse($"metadata {where} is {MessageText.Bare(element.GetRawText())}, not a finite number");

    private static List<double> Numbers(JsonElement element, string where, Refusal refuse)
    {
        var values = new List<double>();
        foreach (var item in Array(element, where, refuse).EnumerateArray()) values.Add(Number(item, $"{where}.{values.Count}", refuse));
        return values;
    }

    private static int Int(JsonElement element, string where, Refusal refuse) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int value)
            ? value : throw refuse($"metadata {where} is {MessageText.Bare(element.GetRawText())}, not a 32-bit integer");

    private static ulong UInt64(JsonElement element, string where, Refusal refuse) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out ulong value)
            ? value : throw refuse($"metadata {where} is {MessageText.Bare(element.GetRawText())}, not a 64-bit unsigned integer");
}
