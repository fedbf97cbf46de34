using System.Reflection;
using System.Text;
using Xunit.Abstractions;

namespace MiniNet.Tests.NullArguments;

/// <summary>
/// No null reaches MiniNet's code unannounced: every public constructor, method, operator, setter and indexer (and
/// every protected one a subclass can call) refuses a null for a parameter its nullable annotations say must not
/// be null, and a null element of a collection it takes, with <see cref="ArgumentNullException"/> naming the
/// parameter — never a <see cref="NullReferenceException"/> from deep inside, and never a silent default.
/// </summary>
/// <remarks>
/// The sites come from reflection (<see cref="PublicSurface"/>), so a new member is checked the day it is added.
/// Each is called with valid samples for every other argument (<see cref="SampleArguments"/>); the few that samples
/// cannot reach are rows of <see cref="NullArgumentRows"/>. A null element sits at position 1 of a list, or under
/// key "b" of a dictionary (1 of one keyed by int), and the message must say where.
/// </remarks>
public class NullArgumentTests(ITestOutputHelper output)
{
    public static TheoryData<string> Sites()
    {
        var keys = new TheoryData<string>();
        foreach (var site in PublicSurface.Sites) keys.Add(site.Key);
        return keys;
    }

    [Theory]
    [MemberData(nameof(Sites))]
    public void A_null_argument_or_element_is_refused_with_ArgumentNullException_naming_the_parameter(string key)
    {
        var site = PublicSurface.Sites.Single(s => s.Key == key);
        Action call = NullArgumentRows.Calls.TryGetValue(key, out var row) ? row
            : TryAutomaticCall(site, out var automatic, out string missing) ? automatic
            : throw new Xunit.Sdk.XunitException($"{key}: no sample of {missing}; add one to SampleArguments, or a row to NullArgumentRows.");

        var thrown = Record.Exception(call);
        Assert.True(thrown is ArgumentNullException, $"{key}: expected ArgumentNullException, got {Describe(thrown)}.");
        var refusal = (ArgumentNullException)thrown;
        Assert.True(refusal.ParamName == site.Parameter.Name, $"{key}: ParamName is '{refusal.ParamName}', expected '{site.Parameter.Name}'.");
        if (site.Kind == NullKind.Element)
        {
            var type = site.Parameter.ParameterType;
            string position = PublicSurface.IsDictionary(type) && type.GenericTypeArguments[0] == typeof(string) ? "'b'" : "1";
            Assert.True(refusal.Message.Contains(position, StringComparison.Ordinal) && refusal.Message.Contains("null", StringComparison.Ordinal),
                $"{key}: the message does not say that element {position} is null:\n{refusal.Message}");
        }
    }

    [Fact]
    public void Every_site_is_reached_by_samples_or_by_a_row()
    {
        var unreached = new List<string>();
        foreach (var site in PublicSurface.Sites)
            if (!NullArgumentRows.Calls.ContainsKey(site.Key) && !TryAutomaticCall(site, out _, out string missing))
                unreached.Add($"{site.Key} (no sample of {missing})");
        Assert.True(unreached.Count == 0,
            "These sites take a reference that must not be null, but no sample reaches them; add a sample to SampleArguments " +
            "or a row to NullArgumentRows:\n" + string.Join("\n", unreached));
    }

    [Fact]
    public void Every_row_names_a_site_that_samples_cannot_reach()
    {
        var sites = PublicSurface.Sites.ToDictionary(s => s.Key);
        foreach (var key in NullArgumentRows.Calls.Keys)
        {
            Assert.True(sites.TryGetValue(key, out var site), $"NullArgumentRows: \"{key}\" names no site (was the member renamed or removed?).");
            Assert.False(TryAutomaticCall(site, out _, out _), $"NullArgumentRows: \"{key}\" is reached by samples already; remove the row.");
        }
    }

    [Fact]
    public void The_sites_include_the_cases_the_issue_reported()
    {
        string[] reported =
        [
            "Tensor.FromArray(float[] data): data",
            "Tensor.MatMul(Tensor other): other",
            "Tensor.Concat(IReadOnlyList<Tensor> tensors, int axis): an element of tensors",
            "Dense.Forward(Tensor input): input",
            "Tensor.operator +(Tensor a, Tensor b): b",
            "Tape.Function(string name, Tensor[] inputs, Func<Tensor[], Tensor> forward, BackwardRule backward, Tensor[] saved): forward",
            "Module.RegisterParameter(string name, Tensor parameter): name",
            "LinePlot.Title.set(string value): value",
        ];
        var keys = PublicSurface.Sites.Select(s => s.Key).ToHashSet();
        foreach (var key in reported) Assert.Contains(key, keys);
    }

    [Fact]
    public void The_sites_are_counted_by_namespace_and_by_how_they_are_reached()
    {
        var text = new StringBuilder($"{"namespace",-20} {"members",8} {"arguments",10} {"elements",9} {"by rows",8}\n");
        foreach (var group in PublicSurface.Sites.GroupBy(s => s.Member.DeclaringType!.Namespace).OrderBy(g => g.Key, StringComparer.Ordinal))
            text.AppendLine($"{group.Key,-20} {group.Select(s => s.Member).Distinct().Count(),8} {group.Count(s => s.Kind == NullKind.Argument),10} " +
                $"{group.Count(s => s.Kind == NullKind.Element),9} {group.Count(s => NullArgumentRows.Calls.ContainsKey(s.Key)),8}");
        text.AppendLine($"{"total",-20} {PublicSurface.Sites.Select(s => s.Member).Distinct().Count(),8} {PublicSurface.Sites.Count(s => s.Kind == NullKind.Argument),10} " +
            $"{PublicSurface.Sites.Count(s => s.Kind == NullKind.Element),9} {NullArgumentRows.Calls.Count,8}");
        output.WriteLine(text.ToString());
        Assert.True(PublicSurface.Sites.Count > 200, $"only {PublicSurface.Sites.Count} sites were found; is the reflection still seeing the public surface?");
    }

    /// <summary>The member called on a sample receiver with samples for the other arguments, and null (or a null element) at the site.</summary>
    private static bool TryAutomaticCall(NullSite site, out Action call, out string missing)
    {
        call = () => { };
        var member = site.Member;
        if (member is MethodInfo { IsGenericMethodDefinition: true } generic)
            member = generic.MakeGenericMethod(generic.GetGenericArguments()
                .Select(t => t.GetGenericParameterConstraints().FirstOrDefault(c => c.IsClass) ?? typeof(object)).ToArray());
        object? receiver = null;
        if (!member.IsStatic && member is not ConstructorInfo && !SampleArguments.TryMake(member.DeclaringType!, out receiver, out missing)) return false;
        if (!SampleArguments.TryArguments(member, site.Parameter.Position, site.Kind == NullKind.Element, out var arguments, out missing)) return false;
        var target = member;
        call = () =>
        {
            if (target is ConstructorInfo constructor) constructor.Invoke(BindingFlags.DoNotWrapExceptions, null, arguments, null);
            else target.Invoke(receiver, BindingFlags.DoNotWrapExceptions, null, arguments, null);
        };
        return true;
    }

    private static string Describe(Exception? thrown) => thrown is null ? "no exception" : $"{thrown.GetType().Name}: {thrown.Message}";
}
