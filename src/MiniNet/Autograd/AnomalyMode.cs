using System.Diagnostics;
using System.Text;

namespace MiniNet;

/// <summary>
/// The checks of one <see cref="Tape.DetectAnomaly"/> scope: an op's forward output, where each recorded op was
/// created (for its backward), and each gradient a backward rule gives its inputs. Each finds the first NaN or ±∞
/// and throws an <see cref="AnomalyException"/> that names the op and describes its inputs.
/// </summary>
internal sealed class AnomalyMode(bool checkForward)
{
    /// <summary>How many stack frames an error shows from the first one in the user's code.</summary>
    private const int FramesShown = 4;

    private static readonly string s_ownAssembly = typeof(Tape).Assembly.GetName().Name ?? "MiniNet";

    /// <summary>An op that recorded nothing (no input requires grad): its output alone is checked, here where it was made.</summary>
    public void CheckUnrecorded(string op, Tensor output, ReadOnlySpan<Tensor> inputs)
    {
        if (checkForward && !ValueSummary.AllFinite(output))
            throw Forward(op, tapePosition: 0, output, inputs, new StackTrace(fNeedFileInfo: true));
    }

    /// <summary>A recorded op: keeps where it was created, for an error in its backward rule, then checks its output.</summary>
    public void CheckRecorded(TapeEntry entry)
    {
        entry.CreatedAt = new StackTrace(fNeedFileInfo: true);
        if (checkForward && !ValueSummary.AllFinite(entry.Output))
            throw Forward(entry.Name, entry.Position, entry.Output, entry.Inputs, entry.CreatedAt);
    }

    /// <summary>
    /// Before a backward pass: the gradient it starts from, and the leaves' gradients it will add to (left by an
    /// earlier pass that was not zeroed), so that a NaN found later is one this pass made.
    /// </summary>
    public static void CheckBeforeBackward(Tensor root, Tensor seed, List<TapeEntry> order)
    {
        if (!ValueSummary.AllFinite(seed))
            throw Before($"the gradient passed to Backward for the output of {root.GradFnName}", ValueSummary.Of(seed));
        foreach (var entry in order)
            foreach (var input in entry.Inputs)
                if (input.IsLeaf && input.Grad is { } existing && !ValueSummary.AllFinite(existing))
                    throw Before($"the gradient already in Grad of a leaf of shape {input.Shape}, input of {entry.Name}, from an earlier " +
                        "backward pass (call ZeroGrad between passes)", ValueSummary.Of(existing));
    }

    /// <summary>After <paramref name="entry"/>'s rule ran: the gradient of each input it gives one to.</summary>
    public static void CheckGradients(TapeEntry entry, Tensor gradOutput)
    {
        var inputs = entry.Inputs;
        for (int i = 0; i < inputs.Length; i++)
        {
            var input = inputs[i];
            if (!input.RequiresGrad) continue;
            var gradient = input.IsLeaf ? input.Grad : input.PendingGrad;
            if (gradient is null || ValueSummary.AllFinite(gradient)) continue;
            var summary = ValueSummary.Of(gradient);
            var text = new StringBuilder(
                $"DetectAnomaly: the backward rule of {entry.Name} (tape position {entry.Position}) gave input {i} (of {inputs.Length}) " +
                $"a gradient with {Counts(summary)}.\n");
            text.Append($"  gradient of input {i}: {summary}\n");
            text.Append($"  gradient flowing into the output: {ValueSummary.Of(gradOutput)}\n");
            AppendInputs(text, inputs);
            string createdAt = UserFrames(entry.CreatedAt);
            AppendCreatedAt(text, entry.Name, createdAt);
            throw new AnomalyException(text.ToString(), summary.Offending, entry.Name, entry.Position, inBackward: true, i, createdAt);
        }
    }

    private static AnomalyException Forward(string op, long tapePosition, Tensor output, ReadOnlySpan<Tensor> inputs, StackTrace createdAt)
    {
        var summary = ValueSummary.Of(output);
        string where = tapePosition == 0 ? "not recorded: no input requires grad" : $"tape position {tapePosition}";
        var text = new StringBuilder($"DetectAnomaly: {op} ({where}) returned {Counts(summary)} in its output in the forward pass.\n");
        text.Append($"  output: {summary}\n");
        int handedOn = AppendInputs(text, inputs);
        if (handedOn >= 0)
            text.Append($"  Input {handedOn} already held non-finite values and {op} passed them on: they come from a tensor made off the " +
                "tape (created, loaded or changed in place) or computed under Tape.NoGrad().\n");
        string frames = UserFrames(createdAt);
        AppendCreatedAt(text, op, frames);
        return new AnomalyException(text.ToString(), summary.Offending, op, tapePosition, inBackward: false, inputIndex: -1, frames);
    }

    private static AnomalyException Before(string what, ValueSummary summary) =>
        new($"DetectAnomaly: {what} holds {Counts(summary)} before the backward pass begins.\n  {summary}",
            summary.Offending, "Backward", tapePosition: 0, inBackward: true, inputIndex: -1, createdAt: "");

    /// <summary>One line per input (the first few); returns the first input holding non-finite values, or −1.</summary>
    private static int AppendInputs(StringBuilder text, ReadOnlySpan<Tensor> inputs)
    {
        int firstNonFinite = -1;
        for (int i = 0; i < inputs.Length; i++)
        {
            var summary = ValueSummary.Of(inputs[i]);
            if (!summary.IsFinite && firstNonFinite < 0) firstNonFinite = i;
            if (i < MessageText.ItemsShown) text.Append($"  input {i}: {summary}\n");
        }
        if (inputs.Length > MessageText.ItemsShown) text.Append($"  and {inputs.Length - MessageText.ItemsShown} more inputs\n");
        return firstNonFinite;
    }

    private static void AppendCreatedAt(StringBuilder text, string op, string frames)
    {
        if (frames.Length == 0) text.Append($"{op} was recorded outside DetectAnomaly, so where it was created is unknown.");
        else text.Append($"{op} was created at:\n{frames}");
    }

    /// <summary>"2 NaN and 1 +Inf".</summary>
    private static string Counts(ValueSummary summary)
    {
        var parts = new List<string>(3);
        if (summary.NaNCount > 0) parts.Add($"{summary.NaNCount} NaN");
        if (summary.PositiveInfinityCount > 0) parts.Add($"{summary.PositiveInfinityCount} +Inf");
        if (summary.NegativeInfinityCount > 0) parts.Add($"{summary.NegativeInfinityCount} -Inf");
        return string.Join(" and ", parts);
    }

    /// <summary>
    /// The frames of <paramref name="trace"/> from the first one outside MiniNet, so that the user's line comes first
    /// (<c>  at Type.Method in file:line 12</c>, one per line); empty without a trace.
    /// </summary>
    private static string UserFrames(StackTrace? trace)
    {
        if (trace is null) return "";
        var text = new StringBuilder();
        int shown = 0;
        foreach (var frame in trace.GetFrames())
        {
            var method = DiagnosticMethodInfo.Create(frame);
            if (shown == 0 && (method is null || AssemblyName(method.DeclaringAssemblyName) == s_ownAssembly)) continue;
            if (shown == FramesShown) { text.Append("  …\n"); break; }
            text.Append("  at ").Append(method is null ? "?" : $"{method.DeclaringTypeName}.{method.Name}");
            if (frame.GetFileName() is { } file) text.Append($" in {file}:line {frame.GetFileLineNumber()}");
            text.Append('\n');
            shown++;
        }
        return text.ToString().TrimEnd('\n');
    }

    private static string AssemblyName(string displayName)
    {
        int comma = displayName.IndexOf(',');
        return comma < 0 ? displayName : displayName[..comma];
    }
}
