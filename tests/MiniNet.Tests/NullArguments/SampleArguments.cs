using System.Reflection;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Reporting;

namespace MiniNet.Tests.NullArguments;

/// <summary>
/// Valid values for every parameter a null-argument check is not testing, and for the object a method is called
/// on: small, fresh on every call (a call may change them), and built from public constructors wherever one will do.
/// </summary>
/// <remarks>
/// A required number is 1 (a batch size, a bound, a period: valid everywhere it is asked for), an optional one keeps
/// its default, a nullable one is null; a collection holds one sample; a string is a path in a directory that does not
/// exist (every check comes before any work, and a member that wrote first would fail rather than leave a file). A
/// type with no sample here is built from its public constructor, or from its first concrete subclass's, with samples
/// for the arguments.
/// </remarks>
internal static class SampleArguments
{
    /// <summary>Types that no public constructor builds (or whose constructor would not give a useful value).</summary>
    private static readonly Dictionary<Type, Func<object>> Made = new()
    {
        [typeof(Tensor)] = () => Tensor.Ones([2, 3]).RequireGrad(),
        [typeof(Shape)] = () => Shape.Create([2, 3]),
        [typeof(string)] = () => Path.Combine(Path.GetTempPath(), "mininet-no-such-directory", "sample"),
        [typeof(Stream)] = () => new MemoryStream(),
        [typeof(TextWriter)] = () => new StringWriter(),
        [typeof(Func<Tensor, Tensor>)] = () => (Func<Tensor, Tensor>)(x => x.Sum()),
        [typeof(Func<Tensor[], Tensor>)] = () => (Func<Tensor[], Tensor>)(xs => xs[0].Sum()),
        [typeof(BackwardRule)] = () => (BackwardRule)((_, _) => { }),
        [typeof(ForwardPreHook)] = () => (ForwardPreHook)((_, _) => null),
        [typeof(ForwardHook)] = () => (ForwardHook)((_, _, _) => null),
        [typeof(BackwardHook)] = () => (BackwardHook)((_, _, _) => null),
        [typeof(Initializer)] = () => (Initializer)((_, _) => { }),
        [typeof(Gradients)] = () => new Gradients(),
        [typeof(LabeledDataset)] = () => LabeledDataset.FromArrays(new float[6], [0, 1], [3], classCount: 2),
        [typeof(Batch)] = () => new DataLoader(LabeledDataset.FromArrays(new float[6], [0, 1], [3], classCount: 2), batchSize: 2).First(),
        [typeof(GradCheckResult)] = () => GradCheck.Run(x => x.Sum(), Tensor.Ones([2], DType.Float64).RequireGrad()),
        [typeof(ConfusionMatrix)] = () => new ConfusionMatrix([0, 1], [0, 1], classCount: 2),
        [typeof(TrainingMonitor)] = () => TrainingMonitor.Attach(new Sequential(new Dense(3, 2, seed: 1)), new TrainingMonitorOptions { Output = TextWriter.Null }),
        [typeof(LayerNorm)] = () => new LayerNorm(3), // the sample int[] (six zeros) is no normalizedShape; inputs are [2, 3]
    };

    private const int MaxDepth = 6;

    /// <summary>A fresh valid value of <paramref name="type"/>, or null when none can be built (the reason in <paramref name="missing"/>).</summary>
    public static bool TryMake(Type type, out object? value, out string missing) => TryMake(type, 0, out value, out missing);

    /// <summary>The arguments for <paramref name="member"/>: samples everywhere but at <paramref name="site"/>, which gets null or a collection holding a null.</summary>
    public static bool TryArguments(MethodBase member, int site, bool nullElement, out object?[] arguments, out string missing)
    {
        var parameters = member.GetParameters();
        arguments = new object?[parameters.Length];
        missing = "";
        for (int i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (i == site)
            {
                if (!nullElement) arguments[i] = null;
                else if (!TryCollectionWithNull(parameter.ParameterType, out arguments[i], out missing)) return false;
            }
            else if (!TryArgument(parameter, 0, out arguments[i], out missing)) return false;
        }
        return true;
    }

    private static bool TryMake(Type type, int depth, out object? value, out string missing)
    {
        value = null;
        missing = "";
        if (depth > MaxDepth) { missing = $"{PublicSurface.TypeName(type)} (samples nest too deep)"; return false; }
        if (Made.TryGetValue(type, out var make)) { value = make(); return true; }
        if (type.IsByRefLike) { missing = PublicSurface.TypeName(type) + " (a span cannot be passed through reflection)"; return false; }
        if (Nullable.GetUnderlyingType(type) is not null) return true; // null
        if (type.IsEnum) { value = Enum.GetValues(type).GetValue(0); return true; }
        if (type.IsPrimitive) { value = Convert.ChangeType(1, type, System.Globalization.CultureInfo.InvariantCulture); return true; }
        if (type.IsArray) return TryArray(type, depth, withNull: false, out value, out missing);
        if (TryCollection(type, depth, withNull: false, out value, out missing)) return true;
        if (missing.Length > 0) return false;
        return TryConstruct(type, depth, out value, out missing);
    }

    private static bool TryArgument(ParameterInfo parameter, int depth, out object? value, out string missing)
    {
        missing = "";
        value = null;
        if (parameter.HasDefaultValue)
        {
            value = parameter.DefaultValue ?? (parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null
                ? Activator.CreateInstance(parameter.ParameterType) : null);
            return true;
        }
        if (!parameter.ParameterType.IsValueType && new NullabilityInfoContext().Create(parameter).WriteState == NullabilityState.Nullable) return true;
        return TryMake(parameter.ParameterType, depth + 1, out value, out missing);
    }

    /// <summary>A public constructor's, or a concrete subclass's, with samples for its arguments; the one with fewest parameters first.</summary>
    private static bool TryConstruct(Type type, int depth, out object? value, out string missing)
    {
        value = null;
        missing = PublicSurface.TypeName(type);
        var candidates = type.IsAbstract
            ? PublicSurface.Library.GetExportedTypes().Where(t => !t.IsAbstract && type.IsAssignableFrom(t)).OrderBy(t => t.Name, StringComparer.Ordinal)
            : (IEnumerable<Type>)[type];
        foreach (var candidate in candidates)
            foreach (var constructor in candidate.GetConstructors().OrderBy(c => c.GetParameters().Length))
            {
                var parameters = constructor.GetParameters();
                var arguments = new object?[parameters.Length];
                bool built = true;
                for (int i = 0; i < parameters.Length && built; i++) built = TryArgument(parameters[i], depth, out arguments[i], out _);
                if (!built) continue;
                value = constructor.Invoke(arguments);
                missing = "";
                return true;
            }
        return false;
    }

    private static bool TryArray(Type type, int depth, bool withNull, out object? value, out string missing)
    {
        value = null;
        missing = "";
        var element = type.GetElementType()!;
        if (type.GetArrayRank() > 1)
        {
            value = Array.CreateInstance(element, 2, 3);
            return true;
        }
        if (element.IsValueType)
        {
            value = Array.CreateInstance(element, 6); // fills a sample Shape [2, 3]
            return true;
        }
        if (!TryMake(element, depth + 1, out var sample, out missing)) return false;
        var array = Array.CreateInstance(element, withNull ? 2 : 1);
        array.SetValue(sample, 0);
        value = array;
        return true;
    }

    /// <summary>An interface collection (IEnumerable&lt;T&gt;, IReadOnlyList&lt;T&gt;, …) as an array, a dictionary as Dictionary&lt;string, V&gt;.</summary>
    private static bool TryCollection(Type type, int depth, bool withNull, out object? value, out string missing)
    {
        value = null;
        missing = "";
        if (!type.IsGenericType) return false;
        var arguments = type.GenericTypeArguments;
        if (PublicSurface.IsDictionary(type))
        {
            // Keys "a" and "b", or 0 and 1 for a dictionary keyed by position (an optimiser's state by parameter index).
            if (arguments[0] != typeof(string) && arguments[0] != typeof(int)) { missing = PublicSurface.TypeName(type); return false; }
            if (!TryMake(arguments[1], depth + 1, out var sample, out missing)) return false;
            var dictionary = (System.Collections.IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(arguments))!;
            bool byIndex = arguments[0] == typeof(int);
            dictionary.Add(byIndex ? 0 : "a", sample);
            if (withNull) dictionary.Add(byIndex ? 1 : "b", null);
            value = dictionary;
            return true;
        }
        if (arguments.Length != 1) return false;
        var arrayType = arguments[0].MakeArrayType();
        if (!type.IsAssignableFrom(arrayType)) return false;
        return TryArray(arrayType, depth, withNull, out value, out missing);
    }

    private static bool TryCollectionWithNull(Type type, out object? value, out string missing) =>
        type.IsArray ? TryArray(type, 0, withNull: true, out value, out missing) : TryCollection(type, 0, withNull: true, out value, out missing);
}
