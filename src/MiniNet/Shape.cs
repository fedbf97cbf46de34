using System.Collections;
using System.Runtime.CompilerServices;

namespace MiniNet;

/// <summary>
/// The dimensions of a tensor, outermost first (row-major). Immutable; <c>default</c> is the
/// shape of a scalar, <c>[]</c>. Write one as a collection expression: <c>Shape s = [32, 784];</c>.
/// </summary>
[CollectionBuilder(typeof(Shape), nameof(Create))]
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[]? _dims;

    private Shape(int[] dims) => _dims = dims;

    /// <summary>
    /// Builds a shape from its dimensions (each ≥ 0). A shape with a 0 anywhere holds no elements, whatever its
    /// other dimensions; any other holds at most <see cref="Array.MaxLength"/> elements, the most a .NET array can.
    /// </summary>
    /// <exception cref="ArgumentException">A negative dimension, or more elements than a .NET array can hold.</exception>
    public static Shape Create(ReadOnlySpan<int> dims) => Checked(dims.ToArray(), "Shape");

    /// <summary>
    /// The one gate every shape passes: checks <paramref name="dims"/> (which the shape then owns) and names
    /// <paramref name="op"/>, the op or loader that computed them, in the error. The element count is
    /// worked out in 64 bits, so a product that wraps around 32 bits is caught instead of becoming a small or
    /// negative count; a 0 anywhere makes the count 0, so huge-but-empty shapes are fine.
    /// </summary>
    /// <exception cref="ArgumentException">A negative dimension, or more elements than a .NET array can hold.</exception>
    internal static Shape Checked(int[] dims, string op)
    {
        for (int i = 0; i < dims.Length; i++)
            if (dims[i] < 0)
                throw new ArgumentException($"{op}: dimension {dims[i]} in {Format(dims)} is negative.", nameof(dims));
        if (CountOf(dims) > Array.MaxLength)
            throw TooManyElements(op, $"shape {Format(dims)}", dims);
        return new Shape(dims);
    }

    /// <summary>
    /// As <see cref="Checked(int[], string)"/> for dimensions an op computed in 64 bits (a concatenation's
    /// summed axis), which may not fit an int at all.
    /// </summary>
    /// <exception cref="ArgumentException">A negative dimension, a dimension above <see cref="int.MaxValue"/>, or too many elements.</exception>
    internal static Shape Checked(ReadOnlySpan<long> dims, string op)
    {
        var narrow = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > int.MaxValue)
                throw new ArgumentException(
                    $"{op}: dimension {i} of the result would be {dims[i]:N0} in [{string.Join(", ", dims.ToArray())}], " +
                    $"more than the largest dimension a shape holds ({int.MaxValue:N0}).", nameof(dims));
            narrow[i] = (int)dims[i];
        }
        return Checked(narrow, op);
    }

    /// <summary>
    /// The element count of <paramref name="dims"/> (all ≥ 0) in 64 bits: 0 if any dimension is 0, and otherwise
    /// the product, saturated at <see cref="long.MaxValue"/> (anything above <see cref="Array.MaxLength"/> is refused anyway).
    /// </summary>
    internal static long CountOf(ReadOnlySpan<int> dims)
    {
        foreach (int d in dims)
            if (d == 0) return 0;
        long count = 1;
        foreach (int d in dims)
        {
            if (count > long.MaxValue / d) return long.MaxValue;
            count *= d;
        }
        return count;
    }

    /// <summary>The refusal of a shape with more elements than an array can hold; the count is exact, however large.</summary>
    internal static ArgumentException TooManyElements(string op, string what, ReadOnlySpan<int> dims)
    {
        var count = System.Numerics.BigInteger.One;
        foreach (int d in dims) count *= d;
        return new ArgumentException(
            $"{op}: {what} holds {count:N0} elements, more than the {Array.MaxLength:N0} a .NET array can hold.", nameof(dims));
    }

    /// <summary>Converts an array of dimensions (copied) to a shape.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="dims"/> is null.</exception>
    public static implicit operator Shape(int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims); // a null array would otherwise become an empty span: a scalar's shape
        return Create(dims);
    }

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Same as <see cref="Rank"/>.</summary>
    public int Count => Rank;

    /// <summary>The product of the dimensions: 1 for a scalar, 0 when any dimension is 0.</summary>
    /// <remarks>
    /// Every shape passed <see cref="Checked(int[], string)"/>, so the true product is at most
    /// <see cref="Array.MaxLength"/> and the int product equals it: where a partial product wraps around 32 bits,
    /// a later dimension is 0, and a product that is 0 in the integers is 0 modulo 2³² too.
    /// </remarks>
    public int ElementCount
    {
        get
        {
            int count = 1;
            foreach (int d in Dims) count = unchecked(count * d);
            return count;
        }
    }

    /// <summary>The size of dimension <paramref name="axis"/>; a negative axis counts from the end, as in PyTorch.</summary>
    public int this[int axis] => Dims[NormalizeAxis(axis, Rank, "Shape")];

    internal ReadOnlySpan<int> Dims => _dims ?? [];

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <summary>
    /// Resolves a possibly negative axis (<c>-1</c> is the last) against <paramref name="rank"/>, naming
    /// <paramref name="op"/> in the error.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside <c>[-rank, rank)</c>.</exception>
    public static int NormalizeAxis(int axis, int rank, string op)
    {
        ArgumentNullException.ThrowIfNull(op);
        int resolved = axis < 0 ? axis + rank : axis;
        if ((uint)resolved >= (uint)rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis,
                rank == 0
                    ? $"{op}: axis {axis} given for a scalar (rank 0), which has no axes."
                    : $"{op}: axis {axis} is out of range for rank {rank}; expected {-rank} to {rank - 1}.");
        return resolved;
    }

    /// <summary>
    /// The shape that NumPy's broadcasting rules give for <paramref name="a"/> and <paramref name="b"/>:
    /// align on the right; each pair of dimensions must be equal or one of them 1.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The shapes do not broadcast, or the result would hold more elements than an array can; the message names
    /// <paramref name="op"/> and both shapes.
    /// </exception>
    public static Shape Broadcast(Shape a, Shape b, string op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (a.Equals(b)) return a;
        var dims = BroadcastDims(a.Dims, b.Dims, op);
        if (CountOf(dims) > Array.MaxLength)
            throw TooManyElements(op, $"{a} and {b} broadcast to {Format(dims)}, which", dims);
        return new Shape(dims);
    }

    /// <summary>True when this shape broadcasts to <paramref name="target"/> unchanged: what a gradient of that shape can be summed back to.</summary>
    internal bool BroadcastsTo(Shape target)
    {
        if (Rank > target.Rank) return false;
        for (int i = 1; i <= Rank; i++)
            if (Dims[^i] != 1 && Dims[^i] != target.Dims[^i]) return false;
        return true;
    }

    /// <summary>
    /// The broadcast dimensions of <paramref name="a"/> and <paramref name="b"/>, not yet checked as a shape: a
    /// matrix product's batch may count more matrices than an array holds when the product itself is empty.
    /// </summary>
    /// <exception cref="ArgumentException">The dimensions do not broadcast.</exception>
    internal static int[] BroadcastDims(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int rank = Math.Max(a.Length, b.Length);
        var dims = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int da = i <= a.Length ? a[^i] : 1;
            int db = i <= b.Length ? b[^i] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"{op}: cannot broadcast {Format(a)} with {Format(b)}: dimension {rank - i} (counting from the left of the aligned shapes) is {da} and {db}; each pair must be equal or one of them 1.");
            dims[^i] = da == 1 ? db : da;
        }
        return dims;
    }

    /// <summary>Row-major strides in elements: the last dimension has stride 1.</summary>
    internal int[] Strides()
    {
        var dims = Dims;
        var strides = new int[dims.Length];
        int stride = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= dims[i];
        }
        return strides;
    }

    /// <summary>
    /// Views the shape as <c>[outer, axisLength, inner]</c> around <paramref name="axis"/>: the layout every
    /// along-an-axis kernel (reductions, softmax, concat) works on. When <c>Outer</c> or <c>Inner</c> is 0 there
    /// is nothing to loop over and both are 0: the other could be a product beyond an int (<c>[65536, 65536, 65536, 0]</c>).
    /// </summary>
    internal (int Outer, int AxisLength, int Inner) SplitAt(int axis)
    {
        var dims = Dims;
        long outer = CountOf(dims[..axis]), inner = CountOf(dims[(axis + 1)..]);
        if (outer == 0 || inner == 0) return (0, dims[axis], 0);
        return ((int)outer, dims[axis], (int)inner); // both divide the element count, at most Array.MaxLength
    }

    /// <summary>A copy of this shape with dimension <paramref name="axis"/> replaced by <paramref name="size"/>, checked for <paramref name="op"/>.</summary>
    internal Shape With(int axis, int size, string op)
    {
        var dims = ToArray();
        dims[axis] = size;
        return Checked(dims, op);
    }

    /// <summary>
    /// A copy of this shape with dimension <paramref name="axis"/> removed, checked for <paramref name="op"/>:
    /// removing a 0 can leave a shape too large to hold (<c>[0, 65536, 65536]</c> summed over axis 0).
    /// </summary>
    internal Shape Without(int axis, string op)
    {
        var dims = new int[Rank - 1];
        for (int i = 0, j = 0; i < Rank; i++)
            if (i != axis) dims[j++] = Dims[i];
        return Checked(dims, op);
    }

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in Dims) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <summary>True when both shapes have the same dimensions.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>True when the shapes differ.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>The dimensions in brackets, as in error messages: <c>[32, 784]</c>.</summary>
    public override string ToString() => Format(Dims);

    internal static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dims ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
