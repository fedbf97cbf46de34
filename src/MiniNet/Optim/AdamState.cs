using MiniNet.Kernels;

namespace MiniNet.Optim;

/// <summary>
/// The state Adam and AdamW keep for one parameter (PyTorch's <c>state[p]</c>), and the step both share:
/// they differ only in how weight decay enters.
/// </summary>
public sealed class AdamState
{
    internal AdamState(Tensor parameter, bool amsgrad)
    {
        ExpAvg = Tensor.Zeros(parameter.Shape, parameter.DType);
        ExpAvgSq = Tensor.Zeros(parameter.Shape, parameter.DType);
        if (amsgrad) MaxExpAvgSq = Tensor.Zeros(parameter.Shape, parameter.DType);
    }

    /// <summary>A state restored from <paramref name="tensors"/> (checked: the names of <see cref="Names"/>, the parameter's shape and dtype), copied.</summary>
    internal AdamState(int step, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Step = step;
        ExpAvg = tensors["exp_avg"].Copy();
        ExpAvgSq = tensors["exp_avg_sq"].Copy();
        if (tensors.TryGetValue("max_exp_avg_sq", out var max)) MaxExpAvgSq = max.Copy();
    }

    /// <summary>The names of the tensors of a state, as PyTorch's, with or without AMSGrad.</summary>
    internal static string[] Names(bool amsgrad) =>
        amsgrad ? ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["step", "exp_avg", "exp_avg_sq"];

    /// <summary>The live tensors by PyTorch's names, with <paramref name="step"/> as the count.</summary>
    internal Dictionary<string, Tensor> Export(Tensor step)
    {
        var tensors = new Dictionary<string, Tensor> { ["step"] = step, ["exp_avg"] = ExpAvg, ["exp_avg_sq"] = ExpAvgSq };
        if (MaxExpAvgSq is not null) tensors["max_exp_avg_sq"] = MaxExpAvgSq;
        return tensors;
    }

    /// <summary>The number of steps this parameter has taken (it counts only steps where it had a gradient).</summary>
    public int Step { get; private set; }

    /// <summary>The first-moment estimate m (PyTorch's <c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; }

    /// <summary>The second-moment estimate v (PyTorch's <c>exp_avg_sq</c>).</summary>
    public Tensor ExpAvgSq { get; }

    /// <summary>The running maximum of v, with AMSGrad (PyTorch's <c>max_exp_avg_sq</c>); null otherwise.</summary>
    public Tensor? MaxExpAvgSq { get; }

    /// <summary>
    /// One Adam step on <paramref name="parameter"/>. <paramref name="l2Penalty"/> is Adam's weight decay
    /// (added to the gradient), <paramref name="decoupledDecay"/> AdamW's (θ ← θ·(1 − lr·wd) first).
    /// </summary>
    internal void Advance(Tensor parameter, Tensor gradient, double lr, double beta1, double beta2, double eps,
        double l2Penalty, double decoupledDecay, bool amsgrad, bool maximize)
    {
        Step++;
        double biasCorrection1 = 1 - ElementaryFunctions.Pow(beta1, Step); // MiniNet's pow: the same bits on every platform
        double biasCorrection2 = 1 - ElementaryFunctions.Pow(beta2, Step);
        double stepSize = lr / biasCorrection1;
        var op = new AdamUpdateOp(beta1, beta2, eps, l2Penalty, decayFactor: 1 - lr * decoupledDecay,
            negativeStepSize: -stepSize, biasCorrection2Sqrt: Math.Sqrt(biasCorrection2), amsgrad, maximize);
        Optimizer.RunUpdate(parameter, gradient, ExpAvg, ExpAvgSq, MaxExpAvgSq, op);
    }

    /// <summary>The checks Adam and AdamW share (PyTorch's: 0 ≤ β &lt; 1, eps ≥ 0).</summary>
    internal static void CheckOptions(string owner, double beta1, double beta2, double eps)
    {
        Require.Fraction(beta1, nameof(beta1), owner, oneAllowed: false);
        Require.Fraction(beta2, nameof(beta2), owner, oneAllowed: false);
        Require.NonNegative(eps, nameof(eps), owner);
    }
}
