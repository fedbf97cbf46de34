using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Tests.Data;

/// <summary>Datasets written by a user against <see cref="IDataset"/>, batched by the same loader as the built-in ones.</summary>
public class CustomDatasetTests
{
    /// <summary>Computed samples, no storage: x = index / 100 and its square as the target.</summary>
    private sealed class Squares(int count) : IDataset
    {
        public int Count => count;
        public Shape FeatureShape => [1];
        public int ClassCount => 0;
        public Shape TargetShape => [1];
        public int Calls { get; private set; }

        public void CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
        {
            Calls++;
            Assert.True(labels.IsEmpty);
            for (int k = 0; k < indices.Length; k++)
                (features[k], targets[k]) = (indices[k] / 100f, indices[k] * indices[k] / 10_000f);
        }
    }

    /// <summary>A classification source: sample i is the pair (i, −i), labelled i mod <paramref name="classCount"/> (or a label it was told to give).</summary>
    private sealed class Residues(int count, int classCount, int badLabelAt = -1) : IDataset
    {
        public int Count => count;
        public Shape FeatureShape => [2];
        public int ClassCount => classCount;
        public Shape TargetShape => [];

        public void CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
        {
            Assert.True(targets.IsEmpty);
            for (int k = 0; k < indices.Length; k++)
            {
                (features[2 * k], features[2 * k + 1]) = (indices[k], -indices[k]);
                labels[k] = indices[k] == badLabelAt ? classCount : indices[k] % classCount;
            }
        }
    }

    /// <summary>A dataset whose description does not hold together.</summary>
    private sealed class Described(int classCount, Shape targetShape) : IDataset
    {
        public int Count => 4;
        public Shape FeatureShape => [1];
        public int ClassCount => classCount;
        public Shape TargetShape => targetShape;
        public void CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets) { }
    }

    [Fact]
    public void A_users_dataset_is_asked_for_whole_batches_and_its_samples_arrive_where_the_indices_say()
    {
        var squares = new Squares(10);
        var loader = new DataLoader(squares, batchSize: 4, shuffle: true, generator: new Generator(2));
        Assert.Equal(3, loader.BatchCount);
        Assert.Same(squares, loader.Dataset);
        var seen = new List<int>();
        foreach (var batch in loader)
        {
            Assert.Equal([batch.Size, 1], batch.Features.Shape.ToArray());
            Assert.Equal([batch.Size, 1], batch.Targets.Shape.ToArray());
            for (int k = 0; k < batch.Size; k++)
            {
                int i = batch.Indices[k];
                Assert.Equal(i / 100f, batch.Features.At(k, 0));
                Assert.Equal(i * i / 10_000f, batch.Targets.At(k, 0));
            }
            seen.AddRange(batch.Indices.ToArray());
        }
        Assert.Equal(3, squares.Calls); // one call per batch, none per sample
        Assert.Equal(Enumerable.Range(0, 10), seen.Order());
    }

    [Fact]
    public void A_users_classification_dataset_gives_labels_and_keeps_the_loaders_order_semantics()
    {
        var loader = new DataLoader(new Residues(7, classCount: 3), batchSize: 3, dropLast: true);
        var batches = loader.Select(b => (Indices: b.Indices.ToArray(), Labels: b.Labels.ToArray(), Features: b.Features.ToArray<float>())).ToList();
        Assert.Equal([[0, 1, 2], [3, 4, 5]], batches.Select(b => b.Indices));
        Assert.Equal([[0, 1, 2], [0, 1, 2]], batches.Select(b => b.Labels));
        Assert.Equal([3f, -3, 4, -4, 5, -5], batches[1].Features);
    }

    [Fact]
    public void A_model_learns_a_users_computed_regression()
    {
        // y = x² on [0, 1) by a 1-16-1 tanh network: far from linear, so a falling loss means the samples arrived intact.
        var loader = new DataLoader(new Squares(100), batchSize: 10, shuffle: true, generator: new Generator(3));
        var model = new Sequential(new Dense(1, 16, seed: 4), new Tanh(), new Dense(16, 1, seed: 5));
        var optimizer = new Adam(model.Parameters(), lr: 1e-2);
        double first = 0, last = 0;
        for (int epoch = 0; epoch < 150; epoch++)
        {
            double sum = 0;
            foreach (var batch in loader)
            {
                optimizer.ZeroGrad();
                var loss = Losses.MeanSquaredError(model.Forward(batch.Features), batch.Targets);
                loss.Backward();
                optimizer.Step();
                sum += loss.Item() * batch.Size / 100;
            }
            if (epoch == 0) first = sum;
            last = sum;
        }
        // Predicting the mean of x² on the grid leaves a mean squared error of about 0.089 (the variance of x² for uniform x is 4/45).
        Assert.True(last < 1e-3 && last < first / 20, $"MSE: first epoch {first:g4}, last {last:g4}");
    }

    [Fact]
    public void A_label_outside_the_classes_the_dataset_declared_is_refused_with_the_sample_that_gave_it()
    {
        var loader = new DataLoader(new Residues(6, classCount: 3, badLabelAt: 4), batchSize: 3);
        var error = Assert.Throws<InvalidOperationException>(() => loader.ToList());
        Assert.Contains("Residues.CopyBatch gave sample 4 the label 3, outside 0–2 (3 classes)", error.Message);
    }

    [Fact]
    public void A_dataset_that_describes_class_labels_with_a_target_shape_or_a_negative_class_count_is_refused()
    {
        var shaped = Assert.Throws<ArgumentException>(() => new DataLoader(new Described(3, [2]), batchSize: 2));
        Assert.Contains("Described has ClassCount 3 and TargetShape [2]", shaped.Message);
        var negative = Assert.Throws<ArgumentException>(() => new DataLoader(new Described(-1, []), batchSize: 2));
        Assert.Contains("ClassCount -1", negative.Message);
    }

    [Fact]
    public void A_user_dataset_can_wrap_a_built_in_one_through_the_interface()
    {
        // Augmentation by wrapping: the inner dataset fills the buffers, the wrapper changes them in place.
        var inner = LabeledDatasetTests.Numbered(5);
        var loader = new DataLoader(new Negated(inner), batchSize: 5);
        var batch = loader.First();
        Assert.Equal([-0f, -100, -200, -1, -101, -201], batch.Features.ToArray<float>().AsSpan(0, 6).ToArray());
        Assert.Equal(inner.GetLabels(), batch.Labels);
    }

    private sealed class Negated(IDataset inner) : IDataset
    {
        public int Count => inner.Count;
        public Shape FeatureShape => inner.FeatureShape;
        public int ClassCount => inner.ClassCount;
        public Shape TargetShape => inner.TargetShape;

        public void CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
        {
            inner.CopyBatch(indices, features, labels, targets);
            foreach (ref float x in features) x = -x;
        }
    }
}
