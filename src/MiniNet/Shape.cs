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

    /// <summary>Builds a shape from its dimensions (each ≥ 0; at most <see cref="Array.MaxLength"/> elements in all).</summary>
    /// <exception cref="ArgumentException">A negative dimension, or more elements than a .NET array can hold.</exception>
    public static Shape Create(ReadOnlySpan<int> dims)
    {
        long count = 1;
        foreach (int d in dims)
        {
            if (d < 0)
                throw new ArgumentException($"Shape: dimension {d} in {Format(dims)} is negative.", nameof(dims));
            count *= d;
            if (count > Array.MaxLength)
                throw new ArgumentException(
                    $"Shape: {Format(dims)} holds more than {Array.MaxLength:N0} elements, the largest a .NET array can hold.", nameof(dims));
        }
        return new Shape(dims.ToArray());
    }

    /// <summary>Converts an array of dimensions (copied) to a shape.</summary>
    public static implicit operator Shape(int[] dims) => Create(dims ?? throw new ArgumentNullException(nameof(dims))); // null is not the scalar shape

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Same as <see cref="Rank"/>.</summary>
    public int Count => Rank;

    /// <summary>The product of the dimensions: 1 for a scalar.</summary>
    public int ElementCount
    {
        get
        {
            int count = 1;
            foreach (int d in Dims) count *= d;
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
    /// <exception cref="ArgumentException">The shapes do not broadcast; the message names <paramref name="op"/> and both shapes.</exception>
    public static Shape Broadcast(Shape a, Shape b, string op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (a.Equals(b)) return a;
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int da = i <= a.Rank ? a.Dims[^i] : 1;
            int db = i <= b.Rank ? b.Dims[^i] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"{op}: cannot broadcast {a} with {b}: dimension {rank - i} (counting from the left of the aligned shapes) is {da} and {db}; each pair must be equal or one of them 1.");
            dims[^i] = da == 1 ? db : da;
        }
        return new Shape(dims);
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
    /// along-an-axis kernel (reductions, softmax, concat) works on.
    /// </summary>
    internal (int Outer, int AxisLength, int Inner) SplitAt(int axis)
    {
        var dims = Dims;
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        return (outer, dims[axis], inner);
    }

    /// <summary>A copy of this shape with dimension <paramref name="axis"/> replaced by <paramref name="size"/>.</summary>
    internal Shape With(int axis, int size)
    {
        var dims = ToArray();
        dims[axis] = size;
        return new Shape(dims);
    }

    /// <summary>A copy of this shape with dimension <paramref name="axis"/> removed.</summary>
    internal Shape Without(int axis)
    {
        var dims = new int[Rank - 1];
        for (int i = 0, j = 0; i < Rank; i++)
            if (i != axis) dims[j++] = Dims[i];
        return new Shape(dims);
    }

    /// <summary>Wraps an array the caller will never change, without copying or validating it again.</summary>
    internal static Shape Wrap(int[] dims) => new(dims);

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

    private static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dims ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
