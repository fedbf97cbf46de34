namespace MiniNet;

/// <summary>
/// Finds which op on the tape has a wrong backward rule, once <see cref="GradCheck"/> has seen a failure.
/// </summary>
/// <remarks>
/// Every op's output is a function of the checked inputs, so its derivatives with respect to them can be
/// estimated by central differences too (the forward is re-run with each input element perturbed, and
/// every intermediate output is captured). An op's rule is right when, for a random vector u over its
/// output, uᵀ·∂output/∂x equals Σ over its inputs t of (rule's gradient for t)ᵀ·∂t/∂x — the chain rule for
/// that one op. Walking the tape in order, the first op that breaks it is the suspect.
/// </remarks>
internal static class GradCheckDiagnosis
{
    public static string? FindSuspect(Func<Tensor[], Tensor> function, Tensor[] inputs, int[] checkedInputs, GradCheckOptions options)
    {
        try
        {
            return Find(function, inputs, checkedInputs, options);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return null; // a function whose graph changes between runs cannot be diagnosed this way
        }
    }

    private static string? Find(Func<Tensor[], Tensor> function, Tensor[] inputs, int[] checkedInputs, GradCheckOptions options)
    {
        var entries = Tape.Observe(() => function(inputs));
        if (entries.Count == 0) return null;
        var producer = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int k = 0; k < entries.Count; k++) producer[entries[k].Output] = k;

        // derivative[p][k]: ∂(output of entry k)/∂(perturbed element p), by central differences.
        var perturbations = new List<(Tensor Input, int Element)>();
        var derivative = new List<double[][]>();
        foreach (int i in checkedInputs)
        {
            for (int e = 0; e < inputs[i].ElementCount; e++)
            {
                var plus = CaptureOutputs(function, inputs, inputs[i], e, +options.Eps, entries);
                var minus = CaptureOutputs(function, inputs, inputs[i], e, -options.Eps, entries);
                if (plus is null || minus is null) return null;
                var slopes = new double[entries.Count][];
                for (int k = 0; k < entries.Count; k++)
                {
                    slopes[k] = new double[plus[k].Length];
                    for (int j = 0; j < plus[k].Length; j++) slopes[k][j] = (plus[k][j] - minus[k][j]) / (2 * options.Eps);
                }
                perturbations.Add((inputs[i], e));
                derivative.Add(slopes);
            }
        }

        var random = new Generator(options.Seed.Value ^ 0x5EED);
        using var noGrad = Tape.NoGrad();
        for (int k = 0; k < entries.Count; k++)
        {
            var entry = entries[k];
            var u = Tensor.Normal(entry.Output.Shape, 0, 1, random, DType.Float64);
            var grads = new Gradients(isolated: true) { CurrentOp = entry.Name };
            try
            {
                entry.RunBackward(u, grads);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
            {
                return Describe(entry, k, entries.Count);
            }
            var entryInputs = entry.Inputs.ToArray().Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>().ToArray();
            // The rule must be linear in the output gradient and repeatable: zero in gives zero out, and the
            // same u gives the same bits (what GradCheck's other two checks test on the whole function).
            var again = RunRule(entry, u);
            var fromZero = RunRule(entry, Tensor.Zeros(entry.Output.Shape, DType.Float64));
            if (again is null || fromZero is null) return Describe(entry, k, entries.Count);
            foreach (var t in entryInputs)
            {
                if (!SameBits(grads.Isolated(t), again.Isolated(t)) || !AllZero(fromZero.Isolated(t)))
                    return Describe(entry, k, entries.Count);
            }
            for (int p = 0; p < perturbations.Count; p++)
            {
                double viaForward = GradCheck.Dot(u.Span<double>(), derivative[p][k]);
                double viaRule = 0;
                foreach (var t in entryInputs)
                {
                    if (grads.Isolated(t) is not { } contribution) continue;
                    var share = contribution.Span<double>();
                    if (producer.TryGetValue(t, out int source)) viaRule += GradCheck.Dot(share, derivative[p][source]);
                    else if (ReferenceEquals(t, perturbations[p].Input)) viaRule += share[perturbations[p].Element];
                }
                if (!GradCheck.Close(viaRule, viaForward, options)) return Describe(entry, k, entries.Count);
            }
        }
        return null;
    }

    /// <summary>Runs one entry's rule alone on <paramref name="gradOutput"/>; null if it throws.</summary>
    private static Gradients? RunRule(TapeEntry entry, Tensor gradOutput)
    {
        var grads = new Gradients(isolated: true) { CurrentOp = entry.Name };
        try
        {
            entry.RunBackward(gradOutput, grads);
            return grads;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static bool SameBits(Tensor? a, Tensor? b)
    {
        if (a is null || b is null) return a is null && b is null;
        var x = a.Span<double>();
        var y = b.Span<double>();
        for (int i = 0; i < x.Length; i++)
            if (BitConverter.DoubleToInt64Bits(x[i]) != BitConverter.DoubleToInt64Bits(y[i])) return false;
        return true;
    }

    private static bool AllZero(Tensor? gradient)
    {
        if (gradient is null) return true;
        foreach (double g in gradient.Span<double>())
            if (g != 0) return false;
        return true;
    }

    /// <summary>The outputs of every op, in tape order, with one input element moved by <paramref name="delta"/>; null if the tape differs.</summary>
    private static double[][]? CaptureOutputs(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor input, int element, double delta, List<TapeEntry> reference)
    {
        var values = input.Span<double>();
        double original = values[element];
        values[element] = original + delta;
        try
        {
            var entries = Tape.Observe(() => function(inputs));
            if (entries.Count != reference.Count) return null;
            var outputs = new double[entries.Count][];
            for (int k = 0; k < entries.Count; k++)
            {
                if (entries[k].Name != reference[k].Name) return null;
                outputs[k] = entries[k].Output.ToArray<double>();
            }
            return outputs;
        }
        finally
        {
            values[element] = original;
        }
    }

    private static string Describe(TapeEntry entry, int index, int count) =>
        $"{entry.Name} (op {index + 1} of {count} on the tape, output {entry.Output.Shape})";
}
