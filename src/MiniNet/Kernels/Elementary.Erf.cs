using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// erf and erfc, double only (float inputs are widened by their callers). Near 0, erf x = x·P(x²); from |x| = 1/2 on,
// erfc |x| = e^(−x²)·G(|x|), G smooth and positive, from one polynomial whose coefficients each lane picks for its
// interval; x² is exact in two terms and e^(−x²) comes from the exp of a two-term value, so erfc keeps its relative
// accuracy down to where it underflows (x ≈ 27.2).
internal static partial class Elementary<T, TVector, TLanes>
{
    /// <inheritdoc cref="ElementaryFunctions.Erf{TVector, TLanes}(TVector)"/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // a root of its own, so that everything it calls inlines into it (optimised from the first call)
    public static TVector Erf(TVector x)
    {
        Debug.Assert(!IsSingle, "erf is double only: its coefficients are doubles");
        var magnitude = TLanes.Min(TLanes.Abs(x), Constant(28.0));
        var near0 = TLanes.Multiply(x, ErfOverX(x));
        var beyond = WithSignOf(x, TLanes.Subtract(TLanes.One, ErfcBeyondHalf(magnitude)));
        return KeepNaN(x, TLanes.ConditionalSelect(TLanes.LessThan(magnitude, Constant(0.5)), near0, beyond));
    }

    /// <inheritdoc cref="ElementaryFunctions.Erfc{TVector, TLanes}(TVector)"/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // a root of its own, so that everything it calls inlines into it (optimised from the first call)
    public static TVector Erfc(TVector x)
    {
        Debug.Assert(!IsSingle, "erfc is double only: its coefficients are doubles");
        var magnitude = TLanes.Min(TLanes.Abs(x), Constant(28.0)); // erfc 27.3 is below half the smallest subnormal
        var near0 = TLanes.FusedMultiplyAdd(TLanes.Negate(x), ErfOverX(x), TLanes.One);
        var tail = ErfcBeyondHalf(magnitude);
        var beyond = TLanes.ConditionalSelect(TLanes.LessThan(x, TLanes.Zero), TLanes.Subtract(Constant(2.0), tail), tail);
        return KeepNaN(x, TLanes.ConditionalSelect(TLanes.LessThan(magnitude, Constant(0.5)), near0, beyond));
    }

    /// <summary>erf(x)/x for |x| ≤ 1/2: minimax of degree 8 in x², relative error 2^−56.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ErfOverX(TVector x)
    {
        var z = TLanes.Multiply(x, x);
        var p = Constant(1.4696760047600917e-06);
        p = TLanes.FusedMultiplyAdd(p, z, Constant(-1.484276569769813e-05));
        p = TLanes.FusedMultiplyAdd(p, z, Constant(0.00012053200663660826));
        p = TLanes.FusedMultiplyAdd(p, z, Constant(-0.0008548294644203765));
        p = TLanes.FusedMultiplyAdd(p, z, Constant(0.005223977332094919));
        p = TLanes.FusedMultiplyAdd(p, z, Constant(-0.026866170629834756));
        p = TLanes.FusedMultiplyAdd(p, z, Constant(0.11283791670913287));
        p = TLanes.FusedMultiplyAdd(p, z, Constant(-0.3761263890318326));
        p = TLanes.FusedMultiplyAdd(p, z, Constant(1.1283791670955126));
        return p;
    }

    /// <summary>
    /// erfc x for 1/2 ≤ x ≤ 28 as e^(−x²)·G(x): G of degree 17 in u = x − 1 on [1/2, 3/2], u = x − 9/4 on [3/2, 3] and
    /// u = 1/x on [3, 6] and [6, 28], relative error 2^−55 on the first two and 2^−71 on the others. 1/x is carried in
    /// two terms (its rounding would cost half an ulp of G), the low term entering at first order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ErfcBeyondHalf(TVector x)
    {
        var first = TLanes.LessThan(x, Constant(1.5));
        var second = TLanes.LessThan(x, Constant(3.0));
        var third = TLanes.LessThan(x, Constant(6.0));
        var reciprocal = TLanes.Divide(TLanes.One, x);
        var reciprocalLow = TLanes.Multiply(TLanes.FusedMultiplyAdd(TLanes.Negate(reciprocal), x, TLanes.One), reciprocal);
        var center = TLanes.ConditionalSelect(first, TLanes.One, Constant(2.25));
        var u = TLanes.ConditionalSelect(second, TLanes.Subtract(x, center), reciprocal);
        var uLow = TLanes.ConditionalSelect(second, TLanes.Zero, reciprocalLow);
        var coefficients = ErfcCoefficients;
        int degree = coefficients.Length / 4 - 1;
        var g = Pick(first, second, third, coefficients[(4 * degree)..]);
        for (int i = degree - 1; i >= 1; i--)
            g = TLanes.FusedMultiplyAdd(g, u, Pick(first, second, third, coefficients[(4 * i)..]));
        // Here g ≈ G′(u), enough for uLow's first-order term.
        g = TLanes.FusedMultiplyAdd(g, u, TLanes.FusedMultiplyAdd(g, uLow, Pick(first, second, third, coefficients)));
        var (square, squareLow) = TwoProduct(x, x);
        return ExpOfTwoTerm(TLanes.Negate(square), TLanes.Negate(squareLow), g);
    }

    /// <summary>Each lane's coefficient from a row of four: the first where <paramref name="first"/> holds, and so on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Pick(TVector first, TVector second, TVector third, ReadOnlySpan<double> row) =>
        TLanes.ConditionalSelect(first, Constant(row[0]),
            TLanes.ConditionalSelect(second, Constant(row[1]), TLanes.ConditionalSelect(third, Constant(row[2]), Constant(row[3]))));

    /// <summary>G's coefficients: one row per power of u, one column per interval ([1/2, 3/2], [3/2, 3], [3, 6], [6, 28]).</summary>
    private static ReadOnlySpan<double> ErfcCoefficients =>
    [
               0.427583576155807,      0.23108725873039188,   -5.540856062324745e-10,  -3.6698817242855317e-16,
            -0.27321201478389856,     -0.08848650280874916,       0.5641896236306686,       0.5641895835478439,
             0.15437156137190933,      0.03199262741070549,  -1.3421135776543186e-06,   -9.694983236798017e-12,
            -0.07922696894132793,     -0.01100206075643996,     -0.28206735293455276,     -0.28209479111264835,
             0.03757229621525043,     0.003618995354386077,   -0.0003791843599922164,   -3.113873995072172e-08,
           -0.016661869090344245,   -0.0011437284836577312,      0.42681877829828596,      0.42314326280547004,
             0.00697014237564931,    0.0003485354216013379,     -0.02464996797825446,  -2.8204113266733476e-05,
          -0.0027690647776157373,  -0.00010272108108435625,      -0.9576493948711732,      -1.0572808373899318,
           0.0010502693967954434,     2.93532510793142e-05,     -0.04427819992898025,    -0.009212990144258202,
           -0.000381954505244973,    -8.15028391587976e-06,       0.9995843701004956,       3.8194776974328652,
          0.00013366292549894313,   2.2030040756042995e-06,       22.468203176512894,      -1.1768002458001703,
          -4.514407618462166e-05,    -5.80629935586978e-07,      -123.23576753033845,       -7.342225234421175,
          1.4753900671779448e-05,    1.494843143950349e-07,       335.41665332382337,       -57.20091320908957,
          -4.674946348431709e-06,   -3.761194047406996e-08,       -586.7668046446237,       355.50027261479056,
          1.4356711809582087e-06,    9.174710714576094e-09,        696.8162881190585,       -857.6446880328386,
         -4.3209668285082394e-07,  -2.2168185236508628e-09,       -551.0045441720038,       1060.5816417644978,
          1.3630334508588475e-07,    6.072106230594795e-10,        264.4822531569287,       -570.5074842664072,
          -3.707008145489388e-08,  -1.3995928460048275e-10,       -58.70565552585977,        11.78599654987113,
    ];
}
