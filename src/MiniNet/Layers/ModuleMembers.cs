using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace MiniNet.Layers;

/// <summary>
/// The fields of a <see cref="Module"/> subclass that can hold its layers and parameters, found once per type: what
/// automatic registration reads. A field's name is the member's as the user wrote it (an auto-property's, a captured
/// primary-constructor parameter's), without a leading underscore: <c>_fc1</c> and <c>Fc1 { get; }</c> give <c>fc1</c>
/// and <c>Fc1</c>.
/// </summary>
internal static class ModuleMembers
{
    /// <summary>One field that may hold a module, a parameter, or a collection of modules.</summary>
    internal readonly record struct Member(FieldInfo Field, string Name);

    private static readonly ConcurrentDictionary<Type, Member[]> s_byType = new();

    /// <summary>The candidate fields of <paramref name="type"/>, base classes' first, each class's in declaration order.</summary>
    public static Member[] Of([DynamicallyAccessedMembers(Module.RegisteredMembers)] Type type) =>
        s_byType.TryGetValue(type, out var members) ? members : s_byType.GetOrAdd(type, Find(type));

    // Every type from here up to Module derives from Module, whose [DynamicallyAccessedMembers] keeps the fields of
    // each of them; the analyser cannot follow BaseType to see that.
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Module's DynamicallyAccessedMembers keeps the fields of every type that derives from it.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Module's DynamicallyAccessedMembers keeps the fields of every type that derives from it.")]
    private static Member[] Find([DynamicallyAccessedMembers(Module.RegisteredMembers)] Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(Module); t = t.BaseType) chain.Add(t);
        chain.Reverse(); // PyTorch registers in assignment order: a base constructor's assignments come first
        var members = new List<Member>();
        foreach (var t in chain)
        {
            // Metadata order is declaration order (ECMA-335 keeps the order the compiler emits fields in).
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.IsDefined(typeof(UnregisteredAttribute), inherit: false) || !MayHoldMembers(field.FieldType)) continue;
                if (PropertyOf(field) is { } property && property.IsDefined(typeof(UnregisteredAttribute), inherit: false)) continue;
                members.Add(new Member(field, NameOf(field.Name)));
            }
        }
        return [.. members];
    }

    /// <summary>Fields typed as a module, a parameter or a tensor, or as something a collection of modules can be stored in.</summary>
    private static bool MayHoldMembers(Type type) =>
        !type.IsValueType && type != typeof(string)
        && (typeof(Module).IsAssignableFrom(type) || type == typeof(ParameterSlot) || type == typeof(Tensor)
            || type == typeof(object) || typeof(System.Collections.IEnumerable).IsAssignableFrom(type));

    /// <summary>The auto-property whose backing field this is, if any (an attribute on the property applies to its field).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Only reads an attribute of a property the compiler generated the field for; a trimmed property means no attribute to honour.")]
    private static PropertyInfo? PropertyOf(FieldInfo field) =>
        field.Name.StartsWith('<') && field.Name.EndsWith(">k__BackingField", StringComparison.Ordinal)
            ? field.DeclaringType!.GetProperty(field.Name[1..field.Name.IndexOf('>')], BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            : null;

    /// <summary>The member's name as written: <c>&lt;Fc1&gt;k__BackingField</c> → <c>Fc1</c>, <c>&lt;fc1&gt;P</c> → <c>fc1</c>, <c>_fc1</c> → <c>fc1</c>.</summary>
    internal static string NameOf(string fieldName)
    {
        if (fieldName.StartsWith('<') && fieldName.IndexOf('>') is > 1 and var end) return fieldName[1..end];
        string trimmed = fieldName.TrimStart('_');
        return trimmed.Length > 0 ? trimmed : fieldName;
    }
}

/// <summary>
/// Leaves a field or auto-property out of automatic registration: it refers to a module or tensor that is not part of
/// this module (another model, a parent, a cache of the last output), so its parameters are neither trained, saved nor
/// listed with this module's.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = false)]
public sealed class UnregisteredAttribute : Attribute;
