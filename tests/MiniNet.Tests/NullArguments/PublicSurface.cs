using System.Reflection;
using System.Runtime.CompilerServices;

namespace MiniNet.Tests.NullArguments;

/// <summary>
/// MiniNet's public surface as reflection sees it: every constructor, method, operator, property setter and
/// indexer that a user can call (public, or protected on a type they can derive from), with the parameters
/// that the nullable annotations say must not be null.
/// </summary>
internal static class PublicSurface
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static Assembly Library => typeof(Tensor).Assembly;

    /// <summary>Every site, ordered by key.</summary>
    public static IReadOnlyList<NullSite> Sites { get; } = FindSites();

    private static List<NullSite> FindSites()
    {
        var sites = new List<NullSite>();
        var nullability = new NullabilityInfoContext();
        foreach (var type in Library.GetExportedTypes())
        {
            if (type.IsEnum || typeof(Delegate).IsAssignableFrom(type) || type.IsDefined(typeof(CompilerGeneratedAttribute))) continue;
            foreach (var member in Callable(type))
                foreach (var parameter in member.GetParameters())
                {
                    if (parameter.ParameterType.IsByRef || parameter.ParameterType.IsPointer) continue;
                    var info = nullability.Create(parameter);
                    if (!parameter.ParameterType.IsValueType && MayNotBeNull(parameter, info))
                        sites.Add(new NullSite(member, parameter, NullKind.Argument));
                    if (ElementNullability(info) == NullabilityState.NotNull)
                        sites.Add(new NullSite(member, parameter, NullKind.Element));
                }
        }
        sites.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return sites;
    }

    /// <summary>
    /// What the annotations say: NotNull for a reference parameter, and for a method's type parameter constrained to a
    /// non-nullable class (<c>where TModule : Module</c>), which the nullability context reports as unknown.
    /// </summary>
    private static bool MayNotBeNull(ParameterInfo parameter, NullabilityInfo info) =>
        info.WriteState == NullabilityState.NotNull
        || (parameter.ParameterType.IsGenericMethodParameter && info.WriteState != NullabilityState.Nullable
            && parameter.ParameterType.GetGenericParameterConstraints().Any(c => c.IsClass));

    /// <summary>The members of <paramref name="type"/> a user can call, declared there (inherited ones are found on their declaring type).</summary>
    private static IEnumerable<MethodBase> Callable(Type type)
    {
        IEnumerable<MethodBase> members = type.GetConstructors(Declared).Cast<MethodBase>().Concat(type.GetMethods(Declared));
        foreach (var member in members)
        {
            bool visible = member.IsPublic || (!type.IsSealed && (member.IsFamily || member.IsFamilyOrAssembly));
            // Auto-property accessors are compiler-generated too, so only members the compiler names (<Clone>$) are skipped.
            if (!visible || member.IsAbstract || member.Name.Contains('<', StringComparison.Ordinal)) continue;
            if (member is ConstructorInfo { IsStatic: true }) continue;
            yield return member;
        }
    }

    /// <summary>For a collection parameter, whether its elements (a dictionary's values) may be null; null when it is no collection of references.</summary>
    private static NullabilityState? ElementNullability(NullabilityInfo info)
    {
        var type = info.Type;
        if (type.IsArray) return type.GetElementType()!.IsValueType ? null : info.ElementType!.WriteState;
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        int element = definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>) ? 1
            : definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>)
              || definition == typeof(IList<>) || definition == typeof(ICollection<>) || definition == typeof(List<>) ? 0
            : -1;
        if (element < 0 || type.GenericTypeArguments[element].IsValueType) return null;
        return info.GenericTypeArguments[element].WriteState;
    }

    /// <summary>Whether a collection site is a dictionary (its null element is the value of key "b").</summary>
    public static bool IsDictionary(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IReadOnlyDictionary<,>) || d == typeof(IDictionary<,>) || d == typeof(Dictionary<,>));

    /// <summary>The member as C# declares it, without modifiers: <c>Tensor.Concat(IReadOnlyList&lt;Tensor&gt; tensors, int axis)</c>.</summary>
    public static string Signature(MethodBase member)
    {
        string owner = TypeName(member.DeclaringType!);
        string name = member switch
        {
            ConstructorInfo => $"new {owner}",
            MethodInfo { IsSpecialName: true } m when m.Name.StartsWith("op_", StringComparison.Ordinal) => $"{owner}.operator {OperatorName(m)}",
            MethodInfo { IsSpecialName: true } m when m.Name.StartsWith("set_", StringComparison.Ordinal) => $"{owner}.{m.Name[4..]}.set",
            MethodInfo m when m.IsGenericMethod => $"{owner}.{m.Name}<{string.Join(", ", m.GetGenericArguments().Select(TypeName))}>",
            _ => $"{owner}.{member.Name}",
        };
        return $"{name}({string.Join(", ", member.GetParameters().Select(p => $"{TypeName(p.ParameterType)} {p.Name}"))})";
    }

    private static string OperatorName(MethodInfo method) => method.Name switch
    {
        "op_Addition" or "op_UnaryPlus" => "+",
        "op_Subtraction" or "op_UnaryNegation" => "-",
        "op_Multiply" => "*",
        "op_Division" => "/",
        "op_Equality" => "==",
        "op_Inequality" => "!=",
        "op_Implicit" => "implicit " + TypeName(method.ReturnType),
        "op_Explicit" => "explicit " + TypeName(method.ReturnType),
        _ => method.Name,
    };

    public static string TypeName(Type type)
    {
        if (type.IsArray) return TypeName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (Nullable.GetUnderlyingType(type) is { } underlying) return TypeName(underlying) + "?";
        if (type.IsGenericType)
            return type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GenericTypeArguments.Select(TypeName)) + ">";
        return type == typeof(int) ? "int" : type == typeof(double) ? "double" : type == typeof(float) ? "float" : type == typeof(bool) ? "bool"
            : type == typeof(string) ? "string" : type == typeof(long) ? "long" : type == typeof(ulong) ? "ulong" : type == typeof(byte) ? "byte" : type == typeof(short) ? "short" : type == typeof(sbyte) ? "sbyte"
            : type == typeof(object) ? "object" : type.Name;
    }
}
