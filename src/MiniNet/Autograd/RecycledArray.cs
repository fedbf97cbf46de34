namespace MiniNet;

/// <summary>
/// An array an op keeps for its backward rule (a max pooling's argmax), taken through <see cref="StepArena.Recycled{T}"/>:
/// inside a step, the array the same op had in the step before, so a steady step allocates none; outside, a new one.
/// </summary>
internal sealed class RecycledArray<T> where T : unmanaged
{
    private T[] _array = [];

    /// <summary>The op's array of <paramref name="length"/> elements (its previous contents are left as they are: the op overwrites them).</summary>
    public static T[] Take(long length)
    {
        var recycled = StepArena.Recycled<RecycledArray<T>>();
        if (recycled._array.LongLength != length) recycled._array = new T[length];
        return recycled._array;
    }
}
