namespace MiniNet.Tests;

/// <summary>Shapes: construction, reading, equality, text, and NumPy's broadcasting rules.</summary>
public class ShapeTests
{
    [Fact]
    public void A_shape_reads_its_rank_element_count_and_dimensions()
    {
        Shape s = [2, 3, 4];
        Assert.Equal(3, s.Rank);
        Assert.Equal(3, s.Count);
        Assert.Equal(24, s.ElementCount);
        Assert.Equal(2, s[0]);
        Assert.Equal(4, s[-1]);
        Assert.Equal(3, s[-2]);
        Assert.Equal([2, 3, 4], s.ToArray());
        Assert.Equal([2, 3, 4], s); // enumerable
        Assert.Equal(0, default(Shape).Rank);
        Assert.Equal(1, default(Shape).ElementCount);
        Assert.Equal(0, Shape.Create([2, 0, 3]).ElementCount);
    }

    [Fact]
    public void A_shape_is_a_copy_of_the_array_it_came_from()
    {
        var dims = new[] { 2, 3 };
        Shape s = dims;
        dims[0] = 7;
        Assert.Equal(2, s[0]);
        s.ToArray()[1] = 9;
        Assert.Equal(3, s[1]);
    }

    [Fact]
    public void Shapes_are_equal_when_their_dimensions_are()
    {
        Shape a = [2, 3], b = [2, 3], c = [3, 2];
        Assert.True(a == b);
        Assert.True(a != c);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a.Equals((object)b));
        Assert.False(a.Equals((object)"[2, 3]"));
        Assert.Equal(default, Shape.Create([]));
        Assert.NotEqual(Shape.Create([1]), Shape.Create([]));
    }

    [Fact]
    public void ToString_lists_the_dimensions_in_brackets()
    {
        Assert.Equal("[32, 784]", Shape.Create([32, 784]).ToString());
        Assert.Equal("[]", default(Shape).ToString());
        Assert.Equal("[5]", Shape.Create([5]).ToString());
    }

    [Fact]
    public void Negative_dimensions_and_oversized_shapes_are_refused()
    {
        Assert.Contains("Shape: dimension -1 in [2, -1] is negative", Assert.Throws<ArgumentException>(() => Shape.Create([2, -1])).Message);
        var error = Assert.Throws<ArgumentException>(() => Shape.Create([65536, 65536]));
        Assert.Contains("Shape: shape [65536, 65536] holds 4,294,967,296 elements, more than the 2,147,483,591 a .NET array can hold", error.Message);
    }

    [Fact]
    public void An_axis_out_of_range_names_the_op_and_the_valid_range()
    {
        Shape s = [2, 3];
        Assert.Equal(1, Shape.NormalizeAxis(-1, 2, "Op"));
        Assert.Contains("Op: axis 2 is out of range for rank 2; expected -2 to 1", Assert.Throws<ArgumentOutOfRangeException>(() => Shape.NormalizeAxis(2, 2, "Op")).Message);
        Assert.Contains("Shape: axis -3 is out of range for rank 2", Assert.Throws<ArgumentOutOfRangeException>(() => s[-3]).Message);
    }

    public static readonly TheoryData<string, string, string> BroadcastCases = new()
    {
        { "[2, 3]", "[2, 3]", "[2, 3]" },
        { "[2, 3]", "[3]", "[2, 3]" },
        { "[3]", "[2, 3]", "[2, 3]" },
        { "[2, 1]", "[1, 3]", "[2, 3]" },
        { "[]", "[4, 5]", "[4, 5]" },
        { "[4, 1, 3]", "[2, 1]", "[4, 2, 3]" },
        { "[1]", "[0]", "[0]" },
        { "[2, 0]", "[1]", "[2, 0]" },
        { "[]", "[]", "[]" },
    };

    [Theory]
    [MemberData(nameof(BroadcastCases))]
    public void Broadcast_follows_NumPy_rules(string a, string b, string expected) =>
        Assert.Equal(TestData.ParseShape(expected), Shape.Broadcast(TestData.ParseShape(a), TestData.ParseShape(b), "Test"));

    [Fact]
    public void Broadcast_agrees_with_an_independent_implementation_on_random_shapes()
    {
        var random = new Generator(1);
        for (int i = 0; i < 500; i++)
        {
            var a = TestData.RandomShape(random, 0, 4, 3);
            var b = TestData.RandomShape(random, 0, 4, 3);
            int[]? expected;
            try
            {
                expected = TestData.BroadcastShape(a.ToArray(), b.ToArray());
            }
            catch (ArgumentException)
            {
                expected = null;
            }
            if (expected is null) Assert.Throws<ArgumentException>(() => Shape.Broadcast(a, b, "Test"));
            else Assert.Equal(expected, Shape.Broadcast(a, b, "Test").ToArray());
        }
    }

    [Fact]
    public void A_broadcast_failure_names_the_op_both_shapes_and_the_dimension()
    {
        var error = Assert.Throws<ArgumentException>(() => Shape.Broadcast([2, 3], [4, 1, 2], "Mul"));
        Assert.Contains("Mul: cannot broadcast [2, 3] with [4, 1, 2]", error.Message);
        Assert.Contains("dimension 2 (counting from the left of the aligned shapes) is 3 and 2", error.Message);
    }
}
