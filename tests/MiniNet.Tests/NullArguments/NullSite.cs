using System.Reflection;

namespace MiniNet.Tests.NullArguments;

/// <summary>Whether a site is a parameter itself or the elements of the collection a parameter is.</summary>
internal enum NullKind
{
    /// <summary>The argument is null.</summary>
    Argument,

    /// <summary>The argument is a collection with a null element (a list [sample, null], or a dictionary whose value "b", or 1 when keyed by int, is null).</summary>
    Element,
}

/// <summary>
/// One place where MiniNet's public API takes a reference that must not be null: a parameter of a public or
/// protected member, annotated non-nullable, or the elements of a collection parameter whose element type is.
/// </summary>
internal sealed record NullSite(MethodBase Member, ParameterInfo Parameter, NullKind Kind)
{
    /// <summary>The member as C# would declare it, without modifiers: <c>Tensor.MatMul(Tensor other)</c>.</summary>
    public string Signature => PublicSurface.Signature(Member);

    /// <summary>The key tests and tables name the site by: <c>Tensor.MatMul(Tensor other): other</c>, or <c>…: an element of tensors</c>.</summary>
    public string Key => $"{Signature}: {(Kind == NullKind.Argument ? Parameter.Name : "an element of " + Parameter.Name)}";
}
