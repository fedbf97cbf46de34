using System.Globalization;
using System.Text;

namespace MiniNet;

/// <summary>Tolerances and modes of <see cref="GradCheck"/>; the defaults are PyTorch's <c>gradcheck</c>'s.</summary>
public sealed record GradCheckOptions
{
    private readonly double _eps = 1e-6, _atol = 1e-5, _rtol = 1e-3;

    /// <summary>The central-difference step: (f(x + eps) − f(x − eps)) / 2eps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public double Eps
    {
        get => _eps;
        init => _eps = value > 0 && double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(Eps), value, $"GradCheckOptions: Eps is {value}; expected a positive, finite step (1e-6 by default).");
    }

    /// <summary>Absolute tolerance.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative, NaN or infinite value (an infinite tolerance passes every gradient).</exception>
    public double Atol
    {
        get => _atol;
        init => _atol = CheckTolerance(value, nameof(Atol), "1e-5");
    }

    /// <summary>Relative tolerance: an entry passes when |analytic − numerical| ≤ atol + rtol·|numerical|.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative, NaN or infinite value (an infinite tolerance passes every gradient).</exception>
    public double Rtol
    {
        get => _rtol;
        init => _rtol = CheckTolerance(value, nameof(Rtol), "1e-3");
    }

    private static double CheckTolerance(double value, string name, string byDefault) =>
        value >= 0 && double.IsFinite(value) ? value
        : throw new ArgumentOutOfRangeException(name, value, $"GradCheckOptions: {name} is {value}; expected a finite tolerance ≥ 0 ({byDefault} by default).");

    /// <summary>
    /// Compare one random projection vᵀJu per input instead of the full Jacobian (PyTorch's <c>fast_mode</c>):
    /// one backward pass and two forward passes per input, for inputs too large for the full check.
    /// </summary>
    public bool FastMode { get; init; }

    /// <summary>Seed of the random vectors of fast mode and of the diagnosis.</summary>
    public Seed Seed { get; init; }

    /// <summary>Also check that backward gives bit-identical gradients on a second run.</summary>
    public bool CheckDeterminism { get; init; } = true;

    /// <summary>Also check that a zero output gradient gives zero input gradients.</summary>
    public bool CheckZeroGradient { get; init; } = true;

    /// <summary>On failure, find the first op on the tape whose backward rule disagrees with its own forward.</summary>
    public bool Diagnose { get; init; } = true;
}

/// <summary>One Jacobian entry (or, in fast mode, one projection) where analytic and numerical gradients disagree.</summary>
/// <param name="InputIndex">Which input of the checked function.</param>
/// <param name="InputPosition">The element of that input (one index per dimension), or null in fast mode.</param>
/// <param name="OutputPosition">The output element whose gradient was compared, or null in fast mode.</param>
/// <param name="Analytic">The gradient backward computed.</param>
/// <param name="Numerical">The central-difference estimate.</param>
public sealed record GradCheckMismatch(int InputIndex, int[]? InputPosition, int[]? OutputPosition, double Analytic, double Numerical)
{
    /// <summary>|analytic − numerical|.</summary>
    public double Difference => Math.Abs(Analytic - Numerical);
}

/// <summary>What <see cref="GradCheck"/> found: usable from any test framework.</summary>
public sealed class GradCheckResult
{
    internal GradCheckResult(GradCheckOptions options, int comparisons, IReadOnlyList<GradCheckMismatch> mismatches, IReadOnlyList<string> problems, string? suspectOp)
    {
        Options = options;
        Comparisons = comparisons;
        Mismatches = mismatches;
        Problems = problems;
        SuspectOp = suspectOp;
        Worst = mismatches.Count == 0 ? null
            : mismatches.MaxBy(m => m.Difference / (options.Atol + options.Rtol * Math.Abs(m.Numerical)));
    }

    /// <summary>True when every comparison agreed and no other check failed.</summary>
    public bool Passed => Mismatches.Count == 0 && Problems.Count == 0;

    /// <summary>The tolerances and modes used.</summary>
    public GradCheckOptions Options { get; }

    /// <summary>How many Jacobian entries (or projections, in fast mode) were compared.</summary>
    public int Comparisons { get; }

    /// <summary>Every comparison that failed.</summary>
    public IReadOnlyList<GradCheckMismatch> Mismatches { get; }

    /// <summary>The mismatch furthest outside its tolerance, or null.</summary>
    public GradCheckMismatch? Worst { get; }

    /// <summary>Failures of the other checks (determinism, zero gradient), as sentences.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The first op on the tape whose backward rule disagrees with finite differences of its own forward, when the diagnosis found one.</summary>
    public string? SuspectOp { get; }

    /// <summary>A readable account: passed, or what failed, the worst element, and the suspect op.</summary>
    public string Report
    {
        get
        {
            var text = new StringBuilder();
            var c = CultureInfo.InvariantCulture;
            if (Passed)
                return string.Format(c, "GradCheck passed: {0} comparisons within atol {1:g3} + rtol {2:g3}·|numerical|.", Comparisons, Options.Atol, Options.Rtol);
            text.Append("GradCheck failed.");
            if (Worst is { } w)
            {
                text.AppendFormat(c, " {0} of {1} {2} differ beyond atol {3:g3} + rtol {4:g3}·|numerical|.",
                    Mismatches.Count, Comparisons, Options.FastMode ? "projections vᵀJu" : "Jacobian entries", Options.Atol, Options.Rtol);
                text.AppendFormat(c, "\nWorst: input {0}", w.InputIndex);
                if (w.InputPosition is not null) text.Append(" at [").Append(string.Join(", ", w.InputPosition)).Append(']');
                if (w.OutputPosition is not null) text.Append(", output element [").Append(string.Join(", ", w.OutputPosition)).Append(']');
                text.AppendFormat(c, ": analytic {0:R}, numerical {1:R} (difference {2:g4}, allowed {3:g4}).",
                    w.Analytic, w.Numerical, w.Difference, Options.Atol + Options.Rtol * Math.Abs(w.Numerical));
            }
            foreach (var problem in Problems) text.Append('\n').Append(problem);
            if (SuspectOp is not null)
                text.Append("\nSuspect: ").Append(SuspectOp)
                    .Append(" — the first op on the tape whose backward rule disagrees with finite differences of its own output.");
            return text.ToString();
        }
    }

    /// <summary>Throws <see cref="GradCheckException"/> with <see cref="Report"/> unless the check passed.</summary>
    public void ThrowIfFailed()
    {
        if (!Passed) throw new GradCheckException(this);
    }

    /// <inheritdoc/>
    public override string ToString() => Report;
}

/// <summary>Thrown by GradCheck.Assert and <see cref="GradCheckResult.ThrowIfFailed"/>; its message is the report.</summary>
public sealed class GradCheckException : Exception
{
    /// <summary>Wraps a failed result.</summary>
    public GradCheckException(GradCheckResult result) : base((result ?? throw new ArgumentNullException(nameof(result))).Report) => Result = result;

    /// <summary>The failed result.</summary>
    public GradCheckResult Result { get; }
}
