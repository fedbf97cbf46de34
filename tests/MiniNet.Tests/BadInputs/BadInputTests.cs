using System.Text;
using Xunit.Abstractions;

namespace MiniNet.Tests.BadInputs;

/// <summary>
/// MiniNet never returns a wrong number without saying so: every row of <see cref="BadInputTable"/> is refused
/// with the documented exception type and a message that names what is wrong.
/// </summary>
public class BadInputTests(ITestOutputHelper output)
{
    public static TheoryData<string> Keys()
    {
        var keys = new TheoryData<string>();
        foreach (var key in BadInputTable.ByKey.Keys.Order(StringComparer.Ordinal)) keys.Add(key);
        return keys;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_bad_input_is_refused_with_the_documented_exception_and_a_message_that_names_it(string key)
    {
        var row = BadInputTable.ByKey[key];
        Exception? thrown = null;
        try { row.Call(); }
        catch (Exception e) { thrown = e; }

        Assert.True(thrown is not null, $"{key}: nothing was thrown; expected {row.Exception.Name}.");
        Assert.True(thrown.GetType() == row.Exception,
            $"{key}: expected {row.Exception.Name}, got {thrown.GetType().Name}: {thrown.Message}");
        foreach (var part in row.MessageParts)
            Assert.True(thrown.Message.Contains(part, StringComparison.Ordinal),
                $"{key}: the message does not contain \"{part}\":\n{thrown.Message}");
        Assert.True(thrown.Message.Length <= BadInputTable.MaxMessageLength,
            $"{key}: the message is {thrown.Message.Length:N0} characters long; at most {BadInputTable.MaxMessageLength:N0}.");
    }

    [Fact]
    public void Every_row_asks_for_words_in_its_message()
    {
        var vague = BadInputTable.ByKey.Values.Where(row => row.MessageParts.Length == 0).Select(row => row.Key).ToArray();
        Assert.True(vague.Length == 0, "rows that check no words of their message: " + string.Join("; ", vague));
    }

    [Fact]
    public void The_table_counts_its_cases_by_area()
    {
        var text = new StringBuilder();
        foreach (var area in BadInputTable.ByKey.Values.GroupBy(row => row.Area).OrderBy(group => group.Key, StringComparer.Ordinal))
            text.AppendLine($"{area.Key,-16} {area.Count(),4}");
        text.AppendLine($"{"total",-16} {BadInputTable.ByKey.Count,4}");
        output.WriteLine(text.ToString());
        Assert.True(BadInputTable.ByKey.Count >= 150, $"the bad-input table has {BadInputTable.ByKey.Count} cases; the bar is 150.\n{text}");
        string[] areas = ["Shapes", "Autograd", "Tensors", "Ops", "Heads", "Layers", "Optim", "Data", "Files"];
        foreach (var area in areas)
            Assert.True(BadInputTable.ByKey.Values.Count(row => row.Area == area) >= 10, $"the area {area} has fewer than 10 bad-input rows.\n{text}");
    }
}
