namespace MiniNet;

/// <summary>
/// Thrown inside <see cref="Tape.DetectAnomaly"/> by the first op whose forward output, or whose backward rule's
/// gradient for an input, holds NaN or ±∞. The message names the op, its position on the tape, the shapes and value
/// ranges of its inputs and where in your code the op was created; the properties hold the same for code.
/// </summary>
/// <remarks>
/// A <see cref="NotFiniteNumberException"/>, so a handler for non-finite values catches it;
/// <see cref="NotFiniteNumberException.OffendingNumber"/> is NaN when the values hold a NaN, else the infinity found.
/// </remarks>
public sealed class AnomalyException : NotFiniteNumberException
{
    internal AnomalyException(string message, double offendingNumber, string op, long tapePosition, bool inBackward, int inputIndex, string createdAt)
        : base(message, offendingNumber)
    {
        (Op, TapePosition, InBackward, InputIndex, CreatedAt) = (op, tapePosition, inBackward, inputIndex, createdAt);
    }

    /// <summary>The op's name, as <see cref="Tensor.GradFnName"/> shows it (<c>Log</c>, <c>SigmoidBce</c>, a <see cref="Tape.Function"/>'s name).</summary>
    public string Op { get; }

    /// <summary>The op's position on the tape (later ops have larger ones), or 0 for an op that was not recorded because no input requires grad.</summary>
    public long TapePosition { get; }

    /// <summary>True when the op's backward rule produced the values; false when its forward output holds them.</summary>
    public bool InBackward { get; }

    /// <summary>In the backward pass, the input whose gradient holds the values (0 for the first); −1 in the forward pass.</summary>
    public int InputIndex { get; }

    /// <summary>
    /// Where the op was created, your code first: the stack frames from the first one outside MiniNet, one per line, each
    /// <c>  at Namespace.Type.Method in file:line 12</c> (four at most, then <c>  …</c>); empty when it is unknown (an op
    /// recorded before the mode was turned on).
    /// </summary>
    public string CreatedAt { get; }
}
