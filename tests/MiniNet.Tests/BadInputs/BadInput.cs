namespace MiniNet.Tests.BadInputs;

/// <summary>
/// One bad input to the public API, in the style of PyTorch's OpInfo error inputs: what is called, the
/// exception type the API documents for it, and the words its message must contain (the op, the argument,
/// the value or shapes, and what was expected).
/// </summary>
/// <param name="Area">The part of MiniNet the input exercises ("Tensors", "Ops", "Heads", …); the tables are counted by area.</param>
/// <param name="Name">What is wrong with the input, unique within its area.</param>
/// <param name="Call">The call that must throw.</param>
/// <param name="Exception">The exact exception type expected (not a subclass).</param>
/// <param name="MessageParts">Substrings the message must contain, each checked on its own.</param>
internal sealed record BadInput(string Area, string Name, Action Call, Type Exception, params string[] MessageParts)
{
    /// <summary>A case that expects <typeparamref name="TException"/>.</summary>
    public static BadInput Of<TException>(string area, string name, Action call, params string[] messageParts) where TException : Exception =>
        new(area, name, call, typeof(TException), messageParts);

    /// <summary>The key the theory shows for this case: "Area: Name".</summary>
    public string Key => $"{Area}: {Name}";
}
