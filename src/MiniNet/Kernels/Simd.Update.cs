using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// An optimiser's update of one element (or one vector of them): reads the gradient and changes the parameter and
/// up to three state values (moment estimates, momentum buffers) in place; one body for every width.
/// A state the update does not use arrives as a dummy that is neither loaded nor stored.
/// </summary>
internal interface IUpdateOp
{
    void Invoke<T, TV, L>(ref TV parameter, TV gradient, ref TV state0, ref TV state1, ref TV state2)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>;
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
        var spans = new UpdateSpans<T>(parameter, gradient, state0, state1, state2);
        int n = parameter.Length;
        if (Vector512.IsHardwareAccelerated) UpdateRun<T, Vector512<T>, Lanes512<T>, TOp>(spans, n, op);
        else if (Vector256.IsHardwareAccelerated) UpdateRun<T, Vector256<T>, Lanes256<T>, TOp>(spans, n, op);
        else if (Vector128.IsHardwareAccelerated) UpdateRun<T, Vector128<T>, Lanes128<T>, TOp>(spans, n, op);
        else UpdateRun<T, T, Lanes1<T>, TOp>(spans, n, op);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateRun<T, TV, L, TOp>(in UpdateSpans<T> s, int n, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> where TOp : struct, IUpdateOp
    {
        // The Has* tests are the same for every element: the branch predictor makes them free.
        int i = 0;
        for (; i + L.Count <= n; i += L.Count)
        {
            var p = L.Load(ref s.Parameter(i));
            var s0 = s.Has0 ? L.Load(ref s.State0(i)) : default!;
            var s1 = s.Has1 ? L.Load(ref s.State1(i)) : default!;
            var s2 = s.Has2 ? L.Load(ref s.State2(i)) : default!;
            op.Invoke<T, TV, L>(ref p, L.Load(ref s.Gradient(i)), ref s0, ref s1, ref s2);
            L.Store(p, ref s.Parameter(i));
            if (s.Has0) L.Store(s0, ref s.State0(i));
            if (s.Has1) L.Store(s1, ref s.State1(i));
            if (s.Has2) L.Store(s2, ref s.State2(i));
        }
        if (i < n) UpdateTail<T, TV, L, TOp>(s, i, n - i, op);
    }

    /// <summary>The last partial vector: padded with zeros, only its first lanes stored.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void UpdateTail<T, TV, L, TOp>(in UpdateSpans<T> s, int i, int count, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> where TOp : struct, IUpdateOp
    {
        var p = L.LoadFirst(ref s.Parameter(i), count);
        var s0 = s.Has0 ? L.LoadFirst(ref s.State0(i), count) : default!;
        var s1 = s.Has1 ? L.LoadFirst(ref s.State1(i), count) : default!;
        var s2 = s.Has2 ? L.LoadFirst(ref s.State2(i), count) : default!;
        op.Invoke<T, TV, L>(ref p, L.LoadFirst(ref s.Gradient(i), count), ref s0, ref s1, ref s2);
        L.StoreFirst(p, ref s.Parameter(i), count);
        if (s.Has0) L.StoreFirst(s0, ref s.State0(i), count);
        if (s.Has1) L.StoreFirst(s1, ref s.State1(i), count);
        if (s.Has2) L.StoreFirst(s2, ref s.State2(i), count);
    }

    /// <summary>The spans of one update; a state span is empty when the op does not use it.</summary>
    private readonly ref struct UpdateSpans<T> where T : unmanaged
    {
        private readonly Span<T> _parameter, _state0, _state1, _state2;
        private readonly ReadOnlySpan<T> _gradient;

        public UpdateSpans(Span<T> parameter, ReadOnlySpan<T> gradient, Span<T> state0, Span<T> state1, Span<T> state2)
        {
            _parameter = parameter;
            _gradient = gradient;
            _state0 = state0;
            _state1 = state1;
            _state2 = state2;
            Has0 = CheckState(parameter.Length, state0.Length);
            Has1 = CheckState(parameter.Length, state1.Length);
            Has2 = CheckState(parameter.Length, state2.Length);
        }

        public bool Has0 { get; }
        public bool Has1 { get; }
        public bool Has2 { get; }

        public ref T Parameter(int i) => ref Unsafe.Add(ref MemoryMarshal.GetReference(_parameter), i);
        public ref T Gradient(int i) => ref Unsafe.Add(ref MemoryMarshal.GetReference(_gradient), i);
        public ref T State0(int i) => ref Unsafe.Add(ref MemoryMarshal.GetReference(_state0), i);
        public ref T State1(int i) => ref Unsafe.Add(ref MemoryMarshal.GetReference(_state1), i);
        public ref T State2(int i) => ref Unsafe.Add(ref MemoryMarshal.GetReference(_state2), i);
    }

    /// <summary>True when the state buffer is in use (the parameter's length), false when empty.</summary>
    private static bool CheckState(int parameterLength, int stateLength)
    {
        if (stateLength != 0) CheckLengths(parameterLength, stateLength);
        return stateLength != 0;
    }
}
