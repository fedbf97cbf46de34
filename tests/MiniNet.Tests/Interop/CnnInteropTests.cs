using System.Buffers.Binary;
using System.Globalization;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Serialization;
using MiniNet.Tests.Data;
using Xunit.Abstractions;

namespace MiniNet.Tests.Interop;

/// <summary>
/// Weights move both ways between PyTorch and MiniNet for a CNN with batch norm: the fixture beside this file was trained
/// and written by PyTorch 1.13 (cnn_batchnorm_fixture.py, which says how to run it), and a MiniNet model writes the
/// same layout. Set MININET_INTEROP_DIR to keep MiniNet's file for the script's <c>--check</c>, which loads it into PyTorch.
/// </summary>
public class CnnInteropTests(ITestOutputHelper output)
{
    private static string Fixture(string name) =>
        Path.GetFullPath(Path.Combine(ShippedSubsetTests.ShippedDirectory(), "..", "..", "tests", "MiniNet.Tests", "Interop", name));

    /// <summary>PyTorch's <c>Sequential(Conv2d(1,8,3,padding=1), ReLU(), MaxPool2d(2), Conv2d(8,16,3,padding=1), BatchNorm2d(16), ReLU(), MaxPool2d(2), Flatten(), Linear(784,10))</c>.</summary>
    private static Sequential Cnn(ulong seed) => new(
        new Conv2d(1, 8, 3, padding: 1, seed: seed), new ReLU(), new MaxPool2d(2),
        new Conv2d(8, 16, 3, padding: 1, seed: seed + 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Dense(784, 10, seed: seed + 2));

    [Fact]
    public void A_cnn_trained_in_pytorch_loads_and_reproduces_its_evaluation_logits()
    {
        var model = Cnn(1);
        model.Load(Fixture("cnn_batchnorm.safetensors"));
        model.Eval();
        var bn = (BatchNorm2d)model[4];
        Assert.Equal(300.0, bn.NumBatchesTracked!.Item()); // 300 training steps in PyTorch, read from I64
        Assert.NotEqual(1f, bn.RunningVar!.ToArray<float>()[0]);

        var expected = SafeTensors.Load(Fixture("cnn_batchnorm_logits.safetensors")).Tensors;
        var logits = model.Forward(expected["images"]).ToArray<float>();
        var torchLogits = expected["logits"].ToArray<float>();
        // Both sides compute in float32 but sum in different orders (MiniNet's GEMM blocks against oneDNN's), through
        // 9-, 72- and 784-term dot products and a batch norm: each order rounds about √784 ≈ 2⁵ times by 2⁻²⁴ of terms a
        // few times the logits' size, so the two results may differ by about 2⁻¹⁸ of the largest logit, the bound here
        // (5e-5 for these logits; observed 2.9e-6, about 2⁻²²). A real mistake — a mis-read buffer, a transposed weight,
        // batch instead of running statistics — moves logits by 1e-2 or more.
        double scale = torchLogits.Max(Math.Abs);
        double largest = 0;
        for (int i = 0; i < logits.Length; i++) largest = Math.Max(largest, Math.Abs(logits[i] - torchLogits[i]));
        output.WriteLine($"largest logit difference {largest:G3}, largest logit {scale:G4}");
        Assert.True(largest <= Math.Pow(2, -18) * scale, $"the largest logit difference is {largest:G3}, above 2⁻¹⁸ of the largest logit {scale:G4}");
        for (int row = 0; row < 8; row++)
            Assert.Equal(ArgMax(torchLogits.AsSpan(row * 10, 10)), ArgMax(logits.AsSpan(row * 10, 10)));
    }

    [Fact]
    public void A_mininet_cnn_writes_pytorchs_layout_byte_for_byte_in_the_header()
    {
        // Start from PyTorch's weights and train 20 more steps here, so every weight, running statistic and the counter
        // (now 320) are MiniNet's own; the header must still be exactly the one PyTorch's state_dict gives.
        var model = Cnn(3);
        model.Load(Fixture("cnn_batchnorm.safetensors"));
        var train = FashionMnist.Load(ShippedSubsetTests.ShippedDirectory());
        var optimizer = new Sgd(model.Parameters(), lr: 0.05, momentum: 0.9);
        var head = new SoftmaxHead();
        for (int step = 0; step < 20; step++)
        {
            var (images, labels) = Batch(train, step * 64, 64);
            optimizer.ZeroGrad();
            head.Loss(model.Forward(images), labels).Backward();
            optimizer.Step();
        }
        model.Eval();

        using var directory = new TempDirectory();
        string keep = Environment.GetEnvironmentVariable("MININET_INTEROP_DIR") ?? directory.Path;
        string path = Path.Combine(keep, "mininet_cnn.safetensors");
        model.Save(path);
        var written = File.ReadAllBytes(path);
        var fixture = File.ReadAllBytes(Fixture("cnn_batchnorm.safetensors"));
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(fixture);
        Assert.Equal(fixture.Length, written.Length);
        Assert.Equal(fixture.AsSpan(0, 8 + headerLength).ToArray(), written.AsSpan(0, 8 + headerLength).ToArray());
        Assert.Equal(320L, BinaryPrimitives.ReadInt64LittleEndian(written.AsSpan(8 + headerLength))); // 4.num_batches_tracked, I64, first

        // For the script's --check: MiniNet's logits for the fixture's images, and its accuracy on the shipped test images.
        var images8 = SafeTensors.Load(Fixture("cnn_batchnorm_logits.safetensors")).Tensors["images"];
        var test = FashionMnist.Load(ShippedSubsetTests.ShippedDirectory(), train: false);
        var (testImages, testLabels) = Batch(test, 0, test.Count);
        var predictions = model.Forward(testImages).ToArray<float>();
        int correct = 0;
        for (int i = 0; i < testLabels.Length; i++) correct += ArgMax(predictions.AsSpan(i * 10, 10)) == testLabels[i] ? 1 : 0;
        double accuracy = correct / (double)testLabels.Length;
        Assert.InRange(accuracy, 0.8, 1.0); // PyTorch's weights scored 0.851; 20 more steps keep them working
        SafeTensors.Save(Path.Combine(keep, "mininet_logits.safetensors"),
            new Dictionary<string, Tensor> { ["images"] = images8, ["logits"] = model.Forward(images8) },
            new Dictionary<string, string> { ["accuracy"] = accuracy.ToString("R", CultureInfo.InvariantCulture) });
    }

    /// <summary>Images [count, 1, 28, 28] and labels from <paramref name="start"/> on.</summary>
    private static (Tensor Images, int[] Labels) Batch(LabeledDataset data, int start, int count)
    {
        var pixels = new float[count * 784];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            data.GetFeatures(start + i).CopyTo(pixels.AsSpan(i * 784, 784));
            labels[i] = data.GetLabel(start + i);
        }
        return (Tensor.FromArray(pixels, [count, 1, 28, 28]), labels);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
            if (row[i] > row[best]) best = i;
        return best;
    }
}
