using System.Numerics;

namespace MiniNet.Reporting;

/// <summary>What a <see cref="TrainingMonitor"/> tells apart among layers: the activations whose outputs it reads specially.</summary>
internal enum LayerKind { Other, Sigmoid, Tanh, ReLU }

/// <summary>A layer's output in one call: its moments, how many outputs are saturated, how many units are dead.</summary>
internal readonly record struct ActivationCounts(long Count, double Mean, double Std, long Saturated, int DeadUnits, int Units);

/// <summary>The head's outputs in one call: saturated on the wrong side out of all outputs, confidently wrong out of all predictions.</summary>
internal readonly record struct HeadCounts(long SaturatedWrong, long Outputs, long ConfidentlyWrong, long Predictions);

/// <summary>The monitor's measurements, each a loop written once for float and double, summing in double.</summary>
internal static class MonitorStatistics
{
    /// <summary>Σ x², in double.</summary>
    public static double SumOfSquares(Tensor tensor) => DTypeDispatch.Run<SumOfSquaresKernel, double>(tensor.DType, new(tensor));

    private readonly struct SumOfSquaresKernel(Tensor tensor) : IDTypeKernel<double>
    {
        public double Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            double sum = 0;
            foreach (var value in tensor.AsReadOnlySpan<T>())
            {
                double x = double.CreateTruncating(value);
                sum += x * x;
            }
            return sum;
        }
    }

    /// <summary>Copies the elements into <paramref name="destination"/> as doubles (a parameter before the optimiser's step).</summary>
    public static void CopyTo(Tensor tensor, double[] destination) => DTypeDispatch.Run(tensor.DType, new CopyKernel(tensor, destination));

    private readonly struct CopyKernel(Tensor tensor, double[] destination) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = tensor.AsReadOnlySpan<T>();
            for (int i = 0; i < values.Length; i++) destination[i] = double.CreateTruncating(values[i]);
        }
    }

    /// <summary>Σ (x − before)² and Σ before²: the squared norms of a step's update and of the weights it started from.</summary>
    public static (double Update, double Before) UpdateSquares(Tensor tensor, double[] before) =>
        DTypeDispatch.Run<UpdateKernel, (double, double)>(tensor.DType, new(tensor, before));

    private readonly struct UpdateKernel(Tensor tensor, double[] before) : IDTypeKernel<(double, double)>
    {
        public (double, double) Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = tensor.AsReadOnlySpan<T>();
            double update = 0, weights = 0;
            for (int i = 0; i < values.Length; i++)
            {
                double difference = double.CreateTruncating(values[i]) - before[i];
                update += difference * difference;
                weights += before[i] * before[i];
            }
            return (update, weights);
        }
    }

    /// <summary>
    /// Mean, standard deviation (N − 1) and, by <paramref name="kind"/>, the saturated outputs (a sigmoid within
    /// <paramref name="sigmoidMargin"/> of 0 or 1, a tanh beyond ±<paramref name="tanhLimit"/>) or the dead units (a
    /// ReLU's features, or channels for rank 3 and more, that are 0 for every example).
    /// </summary>
    public static ActivationCounts Activations(Tensor output, LayerKind kind, double sigmoidMargin, double tanhLimit) =>
        DTypeDispatch.Run<ActivationKernel, ActivationCounts>(output.DType, new(output, kind, sigmoidMargin, tanhLimit));

    private readonly struct ActivationKernel(Tensor output, LayerKind kind, double sigmoidMargin, double tanhLimit) : IDTypeKernel<ActivationCounts>
    {
        public ActivationCounts Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = output.AsReadOnlySpan<T>();
            double sum = 0;
            long saturated = 0;
            foreach (var value in values)
            {
                double y = double.CreateTruncating(value);
                sum += y;
                if (kind == LayerKind.Sigmoid ? y < sigmoidMargin || y > 1 - sigmoidMargin : kind == LayerKind.Tanh && Math.Abs(y) > tanhLimit) saturated++;
            }
            double mean = values.Length == 0 ? double.NaN : sum / values.Length;
            double squares = 0; // about the mean, in a second pass: no cancellation
            foreach (var value in values)
            {
                double centred = double.CreateTruncating(value) - mean;
                squares += centred * centred;
            }
            double std = values.Length < 2 ? double.NaN : Math.Sqrt(squares / (values.Length - 1));
            var (dead, units) = kind == LayerKind.ReLU ? DeadUnits(values) : (0, 0);
            return new ActivationCounts(values.Length, mean, std, saturated, dead, units);
        }

        /// <summary>Units are the features of [N, F], the channels of [N, C, …], the elements of an unbatched vector.</summary>
        private (int Dead, int Units) DeadUnits<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var shape = output.Shape;
            int batch = shape.Rank >= 2 ? shape[0] : 1;
            int units = shape.Rank >= 2 ? shape[1] : values.Length;
            if (batch == 0 || units == 0) return (0, 0);
            int inner = values.Length / batch / units;
            int dead = 0;
            for (int unit = 0; unit < units; unit++)
            {
                bool alive = false;
                for (int n = 0; n < batch && !alive; n++)
                {
                    var block = values.Slice((n * units + unit) * inner, inner);
                    foreach (var y in block)
                        if (y > T.Zero) { alive = true; break; }
                }
                if (!alive) dead++;
            }
            return (dead, units);
        }
    }

    /// <summary>
    /// The head's outputs against 0/1 targets: <paramref name="values"/> are logits for the sigmoid head, probabilities
    /// (a Sigmoid layer's outputs) for squared error. Targets other than 0 and 1 are not counted.
    /// </summary>
    public static HeadCounts BinaryHead(Tensor values, Tensor targets, bool logits, double margin, double confidence) =>
        DTypeDispatch.Run<BinaryHeadKernel, HeadCounts>(values.DType, new(values, targets, logits, margin, confidence));

    private readonly struct BinaryHeadKernel(Tensor values, Tensor targets, bool logits, double margin, double confidence) : IDTypeKernel<HeadCounts>
    {
        public HeadCounts Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var outputs = values.AsReadOnlySpan<T>();
            var wanted = targets.AsReadOnlySpan<T>();
            long saturatedWrong = 0, confidentlyWrong = 0, counted = 0;
            for (int i = 0; i < outputs.Length; i++)
            {
                double target = double.CreateTruncating(wanted[i]), value = double.CreateTruncating(outputs[i]);
                if (target != 0 && target != 1) continue;
                double p = logits ? Sigmoid(value) : value;
                double wrongness = target == 1 ? 1 - p : p; // the probability put on the wrong answer
                counted++;
                if (wrongness > 1 - margin) saturatedWrong++;
                if (wrongness >= confidence) confidentlyWrong++;
            }
            return new HeadCounts(saturatedWrong, counted, confidentlyWrong, counted);
        }

        private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
    }

    /// <summary>
    /// The softmax head's rows [N, C] against class labels: outputs saturated on the wrong side (the label's probability
    /// below the margin, another's above 1 minus it) and rows whose wrong argmax has at least the confidence. Labels
    /// outside the classes (an ignore index) are not counted.
    /// </summary>
    public static HeadCounts SoftmaxHead(Tensor logits, int[] labels, double margin, double confidence) =>
        DTypeDispatch.Run<SoftmaxHeadKernel, HeadCounts>(logits.DType, new(logits, labels, margin, confidence));

    private readonly struct SoftmaxHeadKernel(Tensor logits, int[] labels, double margin, double confidence) : IDTypeKernel<HeadCounts>
    {
        public HeadCounts Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int classes = logits.Shape[1];
            var values = logits.AsReadOnlySpan<T>();
            var probabilities = new double[classes];
            long saturatedWrong = 0, outputs = 0, confidentlyWrong = 0, rows = 0;
            for (int row = 0; row < labels.Length; row++)
            {
                int label = labels[row];
                if ((uint)label >= (uint)classes) continue;
                var z = values.Slice(row * classes, classes);
                double max = double.NegativeInfinity, total = 0;
                foreach (var value in z) max = Math.Max(max, double.CreateTruncating(value));
                for (int k = 0; k < classes; k++) total += probabilities[k] = Math.Exp(double.CreateTruncating(z[k]) - max);
                int predicted = 0;
                for (int k = 0; k < classes; k++)
                {
                    double p = probabilities[k] /= total;
                    if (k == label ? p < margin : p > 1 - margin) saturatedWrong++;
                    if (p > probabilities[predicted]) predicted = k;
                }
                if (predicted != label && probabilities[predicted] >= confidence) confidentlyWrong++;
                outputs += classes;
                rows++;
            }
            return new HeadCounts(saturatedWrong, outputs, confidentlyWrong, rows);
        }
    }
}
