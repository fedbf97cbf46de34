using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// An optimiser's update of one element: reads the gradient and changes the parameter and up to three
/// state values (moment estimates, momentum buffers) in place. Each width gives the same arithmetic.
/// A state the update does not use arrives as a dummy that is neither loaded nor stored.
/// </summary>
internal interface IUpdateOp
{
    void Invoke<T>(ref T parameter, T gradient, ref T state0, ref T state1, ref T state2)
        where T : unmanaged, IFloatingPointIeee754<T>;

    void Invoke<T>(ref Vector128<T> parameter, Vector128<T> gradient, ref Vector128<T> state0, ref Vector128<T> state1, ref Vector128<T> state2)
        where T : unmanaged, IFloatingPointIeee754<T>;

    void Invoke<T>(ref Vector256<T> parameter, Vector256<T> gradient, ref Vector256<T> state0, ref Vector256<T> state1, ref Vector256<T> state2)
        where T : unmanaged, IFloatingPointIeee754<T>;

    void Invoke<T>(ref Vector512<T> parameter, Vector512<T> gradient, ref Vector512<T> state0, ref Vector512<T> state1, ref Vector512<T> state2)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

internal static partial class Simd
{
    /// <summary>
    /// The optimisers' driver: one pass that updates <paramref name="parameter"/> and its state buffers
    /// from <paramref name="gradient"/>, element by element, with <paramref name="op"/>. A state buffer the
    /// op does not use is passed empty; every other span has the parameter's length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Update<T, TOp>(Span<T> parameter, ReadOnlySpan<T> gradient, Span<T> state0, Span<T> state1, Span<T> state2, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUpdateOp
    {
        CheckLengths(parameter.Length, gradient.Length);
        bool has0 = CheckState(parameter.Length, state0.Length);
        bool has1 = CheckState(parameter.Length, state1.Length);
        bool has2 = CheckState(parameter.Length, state2.Length);
        ref T ps = ref MemoryMarshal.GetReference(parameter);
        ref T gs = ref MemoryMarshal.GetReference(gradient);
        ref T s0s = ref MemoryMarshal.GetReference(state0);
        ref T s1s = ref MemoryMarshal.GetReference(state1);
        ref T s2s = ref MemoryMarshal.GetReference(state2);
        nuint n = (nuint)parameter.Length, i = 0;
        // The has* tests are the same for every element: the branch predictor makes them free.
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
            {
                var p = Vector512.LoadUnsafe(ref ps, i);
                var s0 = has0 ? Vector512.LoadUnsafe(ref s0s, i) : default;
                var s1 = has1 ? Vector512.LoadUnsafe(ref s1s, i) : default;
                var s2 = has2 ? Vector512.LoadUnsafe(ref s2s, i) : default;
                op.Invoke(ref p, Vector512.LoadUnsafe(ref gs, i), ref s0, ref s1, ref s2);
                p.StoreUnsafe(ref ps, i);
                if (has0) s0.StoreUnsafe(ref s0s, i);
                if (has1) s1.StoreUnsafe(ref s1s, i);
                if (has2) s2.StoreUnsafe(ref s2s, i);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
            {
                var p = Vector256.LoadUnsafe(ref ps, i);
                var s0 = has0 ? Vector256.LoadUnsafe(ref s0s, i) : default;
                var s1 = has1 ? Vector256.LoadUnsafe(ref s1s, i) : default;
                var s2 = has2 ? Vector256.LoadUnsafe(ref s2s, i) : default;
                op.Invoke(ref p, Vector256.LoadUnsafe(ref gs, i), ref s0, ref s1, ref s2);
                p.StoreUnsafe(ref ps, i);
                if (has0) s0.StoreUnsafe(ref s0s, i);
                if (has1) s1.StoreUnsafe(ref s1s, i);
                if (has2) s2.StoreUnsafe(ref s2s, i);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
            {
                var p = Vector128.LoadUnsafe(ref ps, i);
                var s0 = has0 ? Vector128.LoadUnsafe(ref s0s, i) : default;
                var s1 = has1 ? Vector128.LoadUnsafe(ref s1s, i) : default;
                var s2 = has2 ? Vector128.LoadUnsafe(ref s2s, i) : default;
                op.Invoke(ref p, Vector128.LoadUnsafe(ref gs, i), ref s0, ref s1, ref s2);
                p.StoreUnsafe(ref ps, i);
                if (has0) s0.StoreUnsafe(ref s0s, i);
                if (has1) s1.StoreUnsafe(ref s1s, i);
                if (has2) s2.StoreUnsafe(ref s2s, i);
            }
        T unused = T.Zero;
        for (; i < n; i++)
        {
            // Scalars are updated where they live; a missing state points at the dummy.
            op.Invoke(ref Unsafe.Add(ref ps, i), Unsafe.Add(ref gs, i),
                ref has0 ? ref Unsafe.Add(ref s0s, i) : ref unused,
                ref has1 ? ref Unsafe.Add(ref s1s, i) : ref unused,
                ref has2 ? ref Unsafe.Add(ref s2s, i) : ref unused);
        }
    }

    /// <summary>True when the state buffer is in use (the parameter's length), false when empty.</summary>
    private static bool CheckState(int parameterLength, int stateLength)
    {
        if (stateLength != 0) CheckLengths(parameterLength, stateLength);
        return stateLength != 0;
    }
}
