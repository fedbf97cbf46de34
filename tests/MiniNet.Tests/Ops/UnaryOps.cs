namespace MiniNet.Tests.Ops;

/// <summary>
/// The elementwise unary ops as data: the op, a reference in double written independently of MiniNet's
/// kernels, the interval its inputs are drawn from for gradient checks (away from kinks and poles), and how
/// many units in the last place its forward may differ from the correctly rounded value.
/// </summary>
/// <remarks>
/// The ulp budgets: 0 for ops that are exact or a single IEEE operation; 2 where the kernel calls the
/// runtime's exp, log, tanh or pow (.NET's vector Exp/Log are within 2 ulps, not correctly rounded); 4 for
/// sigmoid (an exp, an add and a divide); 8 for softplus (exp, log1p's three roundings, an add and a divide); 1 for
/// leaky relu in float32, whose slope is rounded to float before the product, as in PyTorch.
/// </remarks>
internal sealed record UnaryOp(string Name, Func<Tensor, Tensor> Apply, Func<double, double> Reference, double Low, double High,
    int Ulps, bool AwayFromZero = false, bool PropagatesNaN = true)
{
    public static readonly UnaryOp[] All =
    [
        new("Exp", x => x.Exp(), Math.Exp, -3, 3, 2),
        new("Log", x => x.Log(), Math.Log, 0.2, 4, 2),
        new("Sqrt", x => x.Sqrt(), Math.Sqrt, 0.2, 4, 0),
        new("Abs", x => x.Abs(), Math.Abs, -2, 2, 0, AwayFromZero: true),
        new("Pow(0)", x => x.Pow(0), x => Math.Pow(x, 0), -2, 2, 0, PropagatesNaN: false),
        new("Pow(1)", x => x.Pow(1), x => x, -2, 2, 0),
        new("Pow(2)", x => x.Pow(2), x => x * x, -2, 2, 0),
        new("Pow(3)", x => x.Pow(3), x => x * x * x, -2, 2, 2),
        new("Pow(0.5)", x => x.Pow(0.5), Math.Sqrt, 0.2, 4, 1),
        new("Pow(-1)", x => x.Pow(-1), x => 1 / x, 0.2, 4, 2),
        new("Pow(-2.5)", x => x.Pow(-2.5), x => Math.Pow(x, -2.5), 0.5, 2, 2),
        new("Pow(2^x)", x => Tensor.Pow(2.0, x), x => Math.Pow(2, x), -3, 3, 2),
        new("Pow(0.3^x)", x => Tensor.Pow(0.3, x), x => Math.Pow(0.3, x), -3, 3, 2),
        new("Tanh", x => x.Tanh(), Math.Tanh, -3, 3, 2),
        new("Sigmoid", x => x.Sigmoid(), x => 1 / (1 + Math.Exp(-x)), -6, 6, 4),
        new("Relu", x => x.Relu(), x => Math.Max(x, 0), -2, 2, 0, AwayFromZero: true),
        new("LeakyRelu", x => x.LeakyRelu(), x => x > 0 ? x : 0.01 * x, -2, 2, 1, AwayFromZero: true),
        new("LeakyRelu(0.2)", x => x.LeakyRelu(0.2), x => x > 0 ? x : 0.2 * x, -2, 2, 1, AwayFromZero: true),
        new("LeakyRelu(-1.5)", x => x.LeakyRelu(-1.5), x => x > 0 ? x : -1.5 * x, -2, 2, 0, AwayFromZero: true),
        new("Softplus", x => x.Softplus(), x => SoftplusReference(x, 1, 20), -25, 25, 8),
        new("Softplus(beta 2)", x => x.Softplus(beta: 2), x => SoftplusReference(x, 2, 20), -6, 6, 8),
        new("Softplus(beta 0.5, threshold 1)", x => x.Softplus(beta: 0.5, threshold: 1), x => SoftplusReference(x, 0.5, 1), -6, 6, 8),
        new("Clamp(min)", x => x.Clamp(min: -0.5), x => Math.Max(x, -0.5), -2, 2, 0),
        new("Clamp(max)", x => x.Clamp(max: 0.75), x => Math.Min(x, 0.75), -2, 2, 0),
        new("Clamp(both)", x => x.Clamp(-0.5, 0.75), x => Math.Min(Math.Max(x, -0.5), 0.75), -2, 2, 0),
    ];

    public static UnaryOp Named(string name) => All.Single(op => op.Name == name);

    public static TheoryData<string> Names(Func<UnaryOp, bool> where)
    {
        var data = new TheoryData<string>();
        foreach (var op in All.Where(where)) data.Add(op.Name);
        return data;
    }

    /// <summary>
    /// PyTorch's softplus: log(1 + e^(βx)) / β, and x where βx &gt; threshold. log1p(t) as 2·atanh(t / (2 + t)),
    /// a form accurate for tiny t that MiniNet's kernels do not use.
    /// </summary>
    public static double SoftplusReference(double x, double beta, double threshold)
    {
        double bx = beta * x;
        if (bx > threshold) return x;
        double t = Math.Exp(-Math.Abs(bx));
        return (Math.Max(bx, 0) + 2 * Math.Atanh(t / (2 + t))) / beta;
    }

    /// <summary>Inputs for a gradient check: uniform on the op's interval, and at least 0.2 from 0 where 0 is a kink.</summary>
    public Tensor GradCheckInput(Shape shape, ulong seed)
    {
        if (AwayFromZero) return TestData.AwayFromZero(shape, seed);
        var x = TestData.Uniform(shape, Low, High, seed);
        if (Name.StartsWith("Clamp", StringComparison.Ordinal))
        {
            // Keep every element at least 0.05 from the bounds -0.5 and 0.75, where the derivative jumps.
            var values = x.ToArray<double>();
            for (int i = 0; i < values.Length; i++)
                if (Math.Abs(values[i] + 0.5) < 0.05 || Math.Abs(values[i] - 0.75) < 0.05) values[i] += 0.1;
            x = Tensor.FromArray(values, shape).RequireGrad();
        }
        return x;
    }

    public override string ToString() => Name;
}
