namespace MiniNet;

/// <summary>
/// Recycles the storage of intermediate tensors' gradients, per thread. Such a gradient is the backward
/// pass's own scratch, never seen by the user: it is dead once the rule of the op that produced its tensor
/// has run. Reusing its storage for the next one spares the allocation and, for a large array, the first
/// touch of fresh pages, which costs more than the arithmetic of the rule that fills it.
/// </summary>
/// <remarks>
/// At most <see cref="Capacity"/> arrays are kept per thread, each of at least <see cref="MinimumLength"/>
/// elements (smaller ones cost the allocator little); when the pool is full the array returned longest ago
/// makes room, so shapes a thread no longer uses leave it. The pool is freed with its thread.
/// </remarks>
internal static class GradientPool
{
    private const int Capacity = 32;
    private const int MinimumLength = 1024;

    [ThreadStatic] private static List<Array>? t_free;

    /// <summary>A gradient buffer of <paramref name="shape"/> and <paramref name="dtype"/>: zeros when <paramref name="clear"/>, else uninitialised.</summary>
    public static Tensor Rent(Shape shape, DType dtype, bool clear)
    {
        if (StepArena.Take(shape, dtype) is { } fromArena) // inside a step the arena keeps every gradient of the pass
        {
            if (clear) Array.Clear(fromArena.StorageArray);
            return fromArena;
        }
        int length = shape.ElementCount;
        var free = t_free;
        if (free is not null && length >= MinimumLength)
        {
            for (int i = free.Count - 1; i >= 0; i--)
            {
                var storage = free[i];
                if (storage.Length != length || (storage is float[]) != (dtype == DType.Float32)) continue;
                free.RemoveAt(i);
                if (clear) Array.Clear(storage);
                return Tensor.Wrap(storage, shape);
            }
        }
        return new Tensor(Tensor.Allocate(shape, dtype, clear), shape);
    }

    /// <summary>Takes back the storage of a gradient that nothing will read again.</summary>
    public static void Return(Tensor gradient)
    {
        if (gradient.ElementCount < MinimumLength || gradient.Version.IsArenaOwned) return; // the arena's stays the arena's
        var free = t_free ??= new List<Array>(Capacity);
        if (free.Count == Capacity) free.RemoveAt(0);
        free.Add(gradient.StorageArray);
    }
}
