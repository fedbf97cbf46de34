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
    // Sums run in SIMD lanes over blocks short enough that a float lane stays accurate to about 1e-6 of the block's
    // sum, and the blocks add up in double: the monitor's figures are for reading, and this keeps a measured step cheap.
    private const int Block = 1024;

    /// <summary>Σ x².</summary>
    public static double SumOfSquares(Tensor tensor) => DTypeDispatch.Run<SumOfSquaresKernel, double>(tensor.DType, new(tensor));

    private readonly struct SumOfSquaresKernel(Tensor tensor) : IDTypeKernel<double>
    {
        public double Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = tensor.AsReadOnlySpan<T>();
            double total = 0;
            for (int start = 0; start < values.Length; start += Block)
            {
                var block = values.Slice(start, Math.Min(Block, values.Length - start));
                var lanes = Vector<T>.Zero;
                int i = 0;
                for (; i + Vector<T>.Count <= block.Length; i += Vector<T>.Count)
                {
                    var x = new Vector<T>(block[i..]);
                    lanes += x * x;
                }
                T sum = Vector.Sum(lanes);
                for (; i < block.Length; i++) sum += block[i] * block[i];
                total += double.CreateTruncating(sum);
            }
            return total;
        }
    }

    /// <summary>Copies <paramref name="tensor"/>'s elements into <paramref name="copy"/> (a parameter before the optimiser's step; same shape and dtype).</summary>
    public static void CopyTo(Tensor tensor, Tensor copy) => tensor.StorageArray.CopyTo(copy.StorageArray, 0);

    /// <summary>Σ (x − before)² and Σ before²: the squared norms of a step's update and of the weights it started from.</summary>
    public static (double Update, double Before) UpdateSquares(Tensor tensor, Tensor before) =>
        DTypeDispatch.Run<UpdateKernel, (double, double)>(tensor.DType, new(tensor, before));

    private readonly struct UpdateKernel(Tensor tensor, Tensor before) : IDTypeKernel<(double, double)>
    {
        public (double, double) Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            ReadOnlySpan<T> now = tensor.AsReadOnlySpan<T>(), then = before.AsReadOnlySpan<T>();
            double update = 0, weights = 0;
            for (int start = 0; start < now.Length; start += Block)
            {
                int length = Math.Min(Block, now.Length - start);
                ReadOnlySpan<T> a = now.Slice(start, length), b = then.Slice(start, length);
                Vector<T> updateLanes = Vector<T>.Zero, weightLanes = Vector<T>.Zero;
                int i = 0;
                for (; i + Vector<T>.Count <= length; i += Vector<T>.Count)
                {
                    var old = new Vector<T>(b[i..]);
                    var change = new Vector<T>(a[i..]) - old;
                    (updateLanes, weightLanes) = (updateLanes + change * change, weightLanes + old * old);
                }
                T updateSum = Vector.Sum(updateLanes), weightSum = Vector.Sum(weightLanes);
                for (; i < length; i++) (updateSum, weightSum) = (updateSum + (a[i] - b[i]) * (a[i] - b[i]), weightSum + b[i] * b[i]);
                (update, weights) = (update + double.CreateTruncating(updateSum), weights + double.CreateTruncating(weightSum));
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
            if (values.Length == 0) return new ActivationCounts(0, double.NaN, double.NaN, 0, 0, 0);
            double s0 = 0, s1 = 0; // two running sums: see SumOfSquaresKernel
            int i = 0;
            for (; i + 2 <= values.Length; i += 2) (s0, s1) = (s0 + double.CreateTruncating(values[i]), s1 + double.CreateTruncating(values[i + 1]));
            if (i < values.Length) s0 += double.CreateTruncating(values[i]);
            double mean = (s0 + s1) / values.Length;
            double q0 = 0, q1 = 0; // about the mean, in a second pass: no cancellation
            for (i = 0; i + 2 <= values.Length; i += 2)
            {
                double c0 = double.CreateTruncating(values[i]) - mean, c1 = double.CreateTruncating(values[i + 1]) - mean;
                (q0, q1) = (q0 + c0 * c0, q1 + c1 * c1);
            }
            if (i < values.Length) q0 += Math.Pow(double.CreateTruncating(values[i]) - mean, 2);
            double std = values.Length < 2 ? double.NaN : Math.Sqrt((q0 + q1) / (values.Length - 1));
            long saturated = kind switch
            {
                LayerKind.Sigmoid => CountOutside(values, T.CreateTruncating(sigmoidMargin), T.CreateTruncating(1 - sigmoidMargin)),
                LayerKind.Tanh => CountOutside(values, T.CreateTruncating(-tanhLimit), T.CreateTruncating(tanhLimit)),
                _ => 0,
            };
            var (dead, units) = kind == LayerKind.ReLU ? DeadUnits(values) : (0, 0);
            return new ActivationCounts(values.Length, mean, std, saturated, dead, units);
        }

        /// <summary>How many values lie below <paramref name="low"/> or above <paramref name="high"/>.</summary>
        private static long CountOutside<T>(ReadOnlySpan<T> values, T low, T high) where T : unmanaged, IFloatingPointIeee754<T>
        {
            long count = 0;
            foreach (var y in values) count += y < low || y > high ? 1 : 0;
            return count;
        }

        /// <summary>Units are the features of [N, F], the channels of [N, C, …], the elements of an unbatched vector; read row by row.</summary>
        private (int Dead, int Units) DeadUnits<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var shape = output.Shape;
            int batch = shape.Rank >= 2 ? shape[0] : 1;
            int units = shape.Rank >= 2 ? shape[1] : values.Length;
            if (batch == 0 || units == 0) return (0, 0);
            int inner = values.Length / batch / units;
            var alive = new bool[units];
            for (int block = 0, offset = 0; block < batch * units; block++, offset += inner)
            {
                int unit = block % units;
                if (alive[unit]) continue;
                foreach (var y in values.Slice(offset, inner))
                    if (y > T.Zero) { alive[unit] = true; break; }
            }
            int dead = 0;
            foreach (bool isAlive in alive) dead += isAlive ? 0 : 1;
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
