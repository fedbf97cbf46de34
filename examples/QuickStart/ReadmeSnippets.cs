using MiniNet;
using MiniNet.Layers;

/// <summary>The README's other code, kept here so that it compiles and runs (the tests call these).</summary>
public static class ReadmeSnippets
{
    public static (Tensor X, Tensor W) TensorsAndTape()
    {
        var x = Tensor.Randn([3, 4], seed: 1).RequireGrad();      // float32; DType.Float64 for gradient checks
        var w = Tensor.Randn([4, 2], seed: 2).RequireGrad();
        var loss = (x.MatMul(w).Relu() + 1.0).Pow(2).Mean();
        loss.Backward();                                           // x.Grad, w.Grad: ∂loss/∂x, ∂loss/∂w
        return (x, w);
    }

    public static GradCheckResult GradientCheck()
    {
        var a = Tensor.Randn([3, 4], seed: 1, DType.Float64).RequireGrad();
        var b = Tensor.Randn([4, 2], seed: 2, DType.Float64).RequireGrad();
        GradCheck.Assert(xs => xs[0].MatMul(xs[1]).Tanh(), [a, b]);   // throws GradCheckException with the report on failure

        var model = new Sequential(new Dense(4, 8, seed: 3), new GELU(), new Dense(8, 2, seed: 4)).To(DType.Float64);
        var x = Tensor.Randn([5, 4], seed: 5, DType.Float64).RequireGrad();
        return GradCheck.Run(xs => model.Forward(xs[0]), [x, .. model.Parameters()]);  // or inspect the result
    }
}
