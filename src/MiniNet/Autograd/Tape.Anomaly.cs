namespace MiniNet;

// Anomaly detection's switch: a scope per thread, like NoGrad; the checks themselves are AnomalyMode's.
public static partial class Tape
{
    [ThreadStatic] private static AnomalyMode? t_anomaly; // null when off: the one check an op makes

    /// <summary>True inside a <see cref="DetectAnomaly"/> scope on the calling thread (PyTorch's <c>torch.is_anomaly_enabled()</c>).</summary>
    public static bool IsAnomalyEnabled => t_anomaly is not null;

    /// <summary>
    /// Turns anomaly detection on for the calling thread until the returned scope is disposed
    /// (<c>using (Tape.DetectAnomaly()) { … }</c>), as PyTorch's <c>torch.autograd.detect_anomaly()</c>: the first op
    /// whose backward rule gives an input a gradient holding NaN or ±∞ throws an <see cref="AnomalyException"/> naming
    /// the op, its position on the tape, its inputs' shapes and value ranges, and where in your code it was created.
    /// </summary>
    /// <remarks>
    /// <para><b>Forward too.</b> MiniNet also checks every op's forward output (PyTorch checks backward only), so a
    /// <c>Log</c> of a negative number is named where it happens, not where its NaN reaches a gradient. Pass
    /// <paramref name="checkForward"/> false for PyTorch's behaviour, for a model that computes ±∞ on purpose (an
    /// attention mask of −∞). Ops run under <see cref="NoGrad"/> are not checked: there is no graph, as in PyTorch;
    /// ops on tensors that require no grad are checked though not recorded (their position is 0).</para>
    /// <para><b>Cost.</b> Off, an op pays one test of a thread-local reference and allocates nothing. On, each recorded
    /// op captures its stack trace and every output and gradient is scanned: a mode for finding a bug, many times
    /// slower than training, as in PyTorch.</para>
    /// <para>Run the forward pass and <c>Backward()</c> both inside the scope: an op recorded outside it has no
    /// creation trace to show, and a backward pass begun outside it checks nothing. A NaN already in a leaf's
    /// <see cref="Tensor.Grad"/> when a pass begins (an earlier pass not zeroed) is reported before the pass, so that
    /// every later error names the op that made its values.</para>
    /// <para>Scopes nest (the innermost decides <paramref name="checkForward"/>) and are per thread, like
    /// <see cref="NoGrad"/>: the check applies to the ops and backward passes the calling thread runs.</para>
    /// </remarks>
    /// <param name="checkForward">Check forward outputs as well as backward gradients (the default); false checks backward only, as PyTorch.</param>
    public static IDisposable DetectAnomaly(bool checkForward = true)
    {
        var scope = new AnomalyScope(t_anomaly);
        t_anomaly = new AnomalyMode(checkForward);
        return scope;
    }

    private sealed class AnomalyScope(AnomalyMode? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            t_anomaly = previous;
        }
    }
}
