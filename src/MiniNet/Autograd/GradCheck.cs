namespace MiniNet;

/// <summary>
/// Checks backward rules against central-difference numerical gradients, with PyTorch's
/// <c>gradcheck</c> semantics: every Jacobian entry must satisfy
/// |analytic − numerical| ≤ atol + rtol·|numerical| (eps 1e-6, atol 1e-5, rtol 1e-3 unless overridden).
/// </summary>
/// <remarks>
/// The analytic Jacobian comes from one backward pass per output element (vector-Jacobian products
/// with one-hot seeds), the numerical one from two forward passes per input element. The inputs must be
/// float64: in float32 the perturbation would drown in rounding. Inputs that require grad are checked;
/// the others are treated as constants.
/// </remarks>
public static class GradCheck
{
    /// <summary>Checks <paramref name="function"/> at <paramref name="inputs"/> and returns what it found.</summary>
    /// <exception cref="ArgumentException">An input is not float64, no input requires grad, or the output is not float64.</exception>
    public static GradCheckResult Run(Func<Tensor[], Tensor> function, Tensor[] inputs, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new GradCheckOptions();
        Validate(inputs);
        var checkedInputs = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].RequiresGrad).ToArray();

        var mismatches = new List<GradCheckMismatch>();
        var problems = new List<string>();
        int comparisons;
        if (options.FastMode)
        {
            comparisons = CompareProjections(function, inputs, checkedInputs, options, mismatches);
        }
        else
        {
            var analytic = AnalyticJacobian(function, inputs, checkedInputs, out var outputShape);
            var numerical = NumericalJacobian(function, inputs, checkedInputs, options.Eps);
            comparisons = Compare(analytic, numerical, inputs, checkedInputs, outputShape, options, mismatches);
            if (options.CheckDeterminism)
            {
                var again = AnalyticJacobian(function, inputs, checkedInputs, out _);
                for (int c = 0; c < checkedInputs.Length; c++)
                    if (!BitwiseEqual(analytic[c], again[c]))
                        problems.Add($"Backward is not deterministic: a second run gave different bits for input {checkedInputs[c]}.");
            }
        }
        if (options.CheckZeroGradient) CheckZeroGradient(function, inputs, checkedInputs, problems);

        string? suspect = null;
        if (options.Diagnose && (mismatches.Count > 0 || problems.Count > 0))
            suspect = GradCheckDiagnosis.FindSuspect(function, inputs, checkedInputs, options);
        return new GradCheckResult(options, comparisons, mismatches, problems, suspect);
    }

    /// <summary>Checks <paramref name="function"/> and throws <see cref="GradCheckException"/>, whose message is the report, if it fails.</summary>
    public static void Assert(Func<Tensor[], Tensor> function, Tensor[] inputs, GradCheckOptions? options = null) =>
        Run(function, inputs, options).ThrowIfFailed();

    /// <summary>Checks a function of one tensor.</summary>
    public static GradCheckResult Run(Func<Tensor, Tensor> function, Tensor input, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(input);
        return Run(xs => function(xs[0]), [input], options);
    }

    /// <summary>Checks a function of one tensor and throws <see cref="GradCheckException"/> if it fails.</summary>
    public static void Assert(Func<Tensor, Tensor> function, Tensor input, GradCheckOptions? options = null) =>
        Run(function, input, options).ThrowIfFailed();

    private static void Validate(Tensor[] inputs)
    {
        if (inputs.Length == 0) throw new ArgumentException("GradCheck: give at least one input.", nameof(inputs));
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"GradCheck: input {i} of {inputs.Length} is null.");
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].DType != DType.Float64)
                throw new ArgumentException(
                    $"GradCheck: input {i} ({inputs[i].Shape}) is {inputs[i].DType}; gradient checks need Float64. " +
                    "A central difference divides a change of f by 2·eps = 2e-6; in float32, whose values near 1 are " +
                    "spaced 1.2e-7 apart, that change is mostly rounding error and the numerical gradient is noise. " +
                    "Convert the inputs (and any parameters) with To(DType.Float64).", nameof(inputs));
        }
        if (!inputs.Any(x => x.RequiresGrad))
            throw new ArgumentException("GradCheck: no input requires grad, so there is nothing to check. Set RequiresGrad = true on the inputs to differentiate.", nameof(inputs));
    }

    private static Tensor Evaluate(Func<Tensor[], Tensor> function, Tensor[] inputs)
    {
        var output = function(inputs) ?? throw new InvalidOperationException("GradCheck: the function returned null; it must return its output tensor.");
        if (output.DType != DType.Float64)
            throw new ArgumentException($"GradCheck: the function returned {output.DType}; it must compute in Float64 from float64 inputs.");
        return output;
    }

    /// <summary>J[c][o, e] = ∂output[o] / ∂inputs[checked[c]][e], one backward pass per output element.</summary>
    private static double[][,] AnalyticJacobian(Func<Tensor[], Tensor> function, Tensor[] inputs, int[] checkedInputs, out Shape outputShape)
    {
        ClearGrads(inputs);
        var output = Evaluate(function, inputs);
        outputShape = output.Shape;
        int outputs = output.ElementCount;
        var jacobian = checkedInputs.Select(i => new double[outputs, inputs[i].ElementCount]).ToArray();
        if (!output.RequiresGrad) return jacobian; // the output does not depend on any input: J = 0
        for (int o = 0; o < outputs; o++)
        {
            var seed = Tensor.Zeros(output.Shape, DType.Float64);
            seed.Span<double>()[o] = 1;
            ClearGrads(inputs);
            output.Backward(seed, retainGraph: true);
            for (int c = 0; c < checkedInputs.Length; c++)
            {
                if (inputs[checkedInputs[c]].Grad is not { } grad) continue;
                var values = grad.Span<double>();
                for (int e = 0; e < values.Length; e++) jacobian[c][o, e] = values[e];
            }
        }
        ClearGrads(inputs);
        return jacobian;
    }

    /// <summary>J[c][o, e] by central differences, perturbing one input element at a time.</summary>
    private static double[][,] NumericalJacobian(Func<Tensor[], Tensor> function, Tensor[] inputs, int[] checkedInputs, double eps)
    {
        var jacobian = new double[checkedInputs.Length][,];
        using var noGrad = Tape.NoGrad();
        for (int c = 0; c < checkedInputs.Length; c++)
        {
            var input = inputs[checkedInputs[c]];
            double[,]? block = null;
            for (int e = 0; e < input.ElementCount; e++)
            {
                var (plus, minus) = Perturbed(function, inputs, input, e, eps);
                block ??= new double[plus.Length, input.ElementCount];
                for (int o = 0; o < plus.Length; o++) block[o, e] = (plus[o] - minus[o]) / (2 * eps);
            }
            jacobian[c] = block ?? new double[Evaluate(function, inputs).ElementCount, 0];
        }
        return jacobian;
    }

    /// <summary>f with input element e moved to x + eps and to x − eps (restored exactly afterwards).</summary>
    internal static (double[] Plus, double[] Minus) Perturbed(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor input, int e, double eps)
    {
        // Written straight to the storage, without a version bump: the value is restored bit for bit.
        var values = input.Span<double>();
        double original = values[e];
        try
        {
            values[e] = original + eps;
            var plus = Evaluate(function, inputs).ToArray<double>();
            values[e] = original - eps;
            var minus = Evaluate(function, inputs).ToArray<double>();
            return (plus, minus);
        }
        finally
        {
            values[e] = original;
        }
    }

    private static int Compare(double[][,] analytic, double[][,] numerical, Tensor[] inputs, int[] checkedInputs, Shape outputShape,
        GradCheckOptions options, List<GradCheckMismatch> mismatches)
    {
        int comparisons = 0;
        for (int c = 0; c < checkedInputs.Length; c++)
        {
            var a = analytic[c];
            var n = numerical[c];
            for (int o = 0; o < a.GetLength(0); o++)
            for (int e = 0; e < a.GetLength(1); e++)
            {
                comparisons++;
                if (Close(a[o, e], n[o, e], options)) continue;
                mismatches.Add(new GradCheckMismatch(checkedInputs[c], Unravel(inputs[checkedInputs[c]].Shape, e),
                    Unravel(outputShape, o), a[o, e], n[o, e]));
            }
        }
        return comparisons;
    }

    /// <summary>Fast mode: per input, compare vᵀ(Ju) computed both ways for random u and v.</summary>
    private static int CompareProjections(Func<Tensor[], Tensor> function, Tensor[] inputs, int[] checkedInputs, GradCheckOptions options,
        List<GradCheckMismatch> mismatches)
    {
        var random = new Generator(options.Seed);
        ClearGrads(inputs);
        var output = Evaluate(function, inputs);
        var v = Tensor.Normal(output.Shape, 0, 1, random, DType.Float64);
        if (output.RequiresGrad) output.Backward(v);
        foreach (int i in checkedInputs)
        {
            var input = inputs[i];
            var u = Tensor.Normal(input.Shape, 0, 1, random, DType.Float64);
            double analytic = input.Grad is { } grad ? Dot(grad.Span<double>(), u.Span<double>()) : 0;

            // Directional derivative along u: (f(x + eps·u) − f(x − eps·u)) / 2eps, then projected on v.
            double[] plus, minus;
            var values = input.Span<double>();
            var original = values.ToArray();
            using (Tape.NoGrad())
            {
                try
                {
                    for (int e = 0; e < values.Length; e++) values[e] = original[e] + options.Eps * u.Span<double>()[e];
                    plus = Evaluate(function, inputs).ToArray<double>();
                    for (int e = 0; e < values.Length; e++) values[e] = original[e] - options.Eps * u.Span<double>()[e];
                    minus = Evaluate(function, inputs).ToArray<double>();
                }
                finally
                {
                    original.CopyTo(values);
                }
            }
            double numerical = 0;
            var vs = v.Span<double>();
            for (int o = 0; o < plus.Length; o++) numerical += vs[o] * (plus[o] - minus[o]) / (2 * options.Eps);
            if (!Close(analytic, numerical, options))
                mismatches.Add(new GradCheckMismatch(i, null, null, analytic, numerical));
        }
        ClearGrads(inputs);
        return checkedInputs.Length;
    }

    private static void CheckZeroGradient(Func<Tensor[], Tensor> function, Tensor[] inputs, int[] checkedInputs, List<string> problems)
    {
        ClearGrads(inputs);
        var output = Evaluate(function, inputs);
        if (!output.RequiresGrad) return;
        output.Backward(Tensor.Zeros(output.Shape, DType.Float64));
        foreach (int i in checkedInputs)
        {
            if (inputs[i].Grad is not { } grad) continue;
            foreach (double g in grad.Span<double>())
            {
                if (g == 0) continue;
                problems.Add($"A zero output gradient gave a non-zero gradient ({g:R}) for input {i}: some backward rule adds a term that does not scale with the incoming gradient.");
                break;
            }
        }
        ClearGrads(inputs);
    }

    internal static bool Close(double analytic, double numerical, GradCheckOptions options) =>
        Math.Abs(analytic - numerical) <= options.Atol + options.Rtol * Math.Abs(numerical)
        || analytic == numerical; // equal infinities (NaN never passes, as in PyTorch)

    private static bool BitwiseEqual(double[,] a, double[,] b)
    {
        for (int o = 0; o < a.GetLength(0); o++)
        for (int e = 0; e < a.GetLength(1); e++)
            if (BitConverter.DoubleToInt64Bits(a[o, e]) != BitConverter.DoubleToInt64Bits(b[o, e])) return false;
        return true;
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void ClearGrads(Tensor[] inputs)
    {
        foreach (var input in inputs) input.Grad = null;
    }

    internal static int[] Unravel(Shape shape, int flat)
    {
        var index = new int[shape.Rank];
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            index[d] = flat % shape.Dims[d];
            flat /= shape.Dims[d];
        }
        return index;
    }
}
