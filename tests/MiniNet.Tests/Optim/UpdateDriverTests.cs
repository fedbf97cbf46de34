using System.Numerics;
using MiniNet.Kernels;

namespace MiniNet.Tests.Optim;

/// <summary>Simd.Update, the optimisers' driver: every element exactly once, at every width and in the tail.</summary>
public class UpdateDriverTests
{
    /// <summary>parameter += 1, state0 = gradient, state1 += gradient, state2 = parameter (after the increment).</summary>
    private readonly struct MarkOp : IUpdateOp
    {
        public void Invoke<T, TV, L>(ref TV parameter, TV gradient, ref TV state0, ref TV state1, ref TV state2)
            where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
        {
            parameter = L.Add(parameter, L.One);
            state0 = gradient;
            state1 = L.Add(state1, gradient);
            state2 = parameter;
        }
    }

    [Fact]
    public void Update_touches_every_element_once_for_every_length_and_dtype()
    {
        for (int length = 0; length <= 70; length++)
        {
            Check<float>(length);
            Check<double>(length);
        }
    }

    private static void Check<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parameter = new T[length];
        var gradient = new T[length];
        var (state0, state1, state2) = (new T[length], new T[length], new T[length]);
        for (int i = 0; i < length; i++)
        {
            parameter[i] = T.CreateTruncating(10 * i);
            gradient[i] = T.CreateTruncating(i + 0.5);
            state1[i] = T.CreateTruncating(-1);
        }
        Simd.Update<T, MarkOp>(parameter, gradient, state0, state1, state2, default);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(T.CreateTruncating(10 * i + 1), parameter[i]);
            Assert.Equal(gradient[i], state0[i]);
            Assert.Equal(T.CreateTruncating(i - 0.5), state1[i]);
            Assert.Equal(parameter[i], state2[i]);
        }

        // Without state buffers only the parameter changes; the op's writes to missing states go nowhere.
        Simd.Update<T, MarkOp>(parameter, gradient, default, default, default, default);
        for (int i = 0; i < length; i++) Assert.Equal(T.CreateTruncating(10 * i + 2), parameter[i]);
    }

    [Fact]
    public void Update_refuses_a_state_buffer_of_another_length()
    {
        var error = Assert.Throws<ArgumentException>(() => Simd.Update<double, MarkOp>(new double[8], new double[8], new double[8], new double[7], default, default));
        Assert.Contains("span lengths differ (8 and 7)", error.Message);
    }
}
