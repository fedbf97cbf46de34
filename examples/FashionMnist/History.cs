using MiniNet.Reporting;

namespace MiniNet.Examples.FashionMnist;

/// <summary>
/// The figures of every epoch from <paramref name="firstEpoch"/> on (a resumed run starts after its checkpoint's), on the
/// training images and on the evaluated ones (test or validation), and their plot.
/// </summary>
internal sealed class History(string evaluatedName, int firstEpoch)
{
    private readonly List<double> _epochs = [], _trainLoss = [], _trainAccuracy = [], _loss = [], _accuracy = [];

    /// <summary>The last epoch's figures on the evaluated images; null before the first epoch.</summary>
    public Evaluation? Last { get; private set; }

    public void Add(Evaluation onTrain, Evaluation onEvaluated)
    {
        _epochs.Add(firstEpoch + _epochs.Count);
        _trainLoss.Add(onTrain.Loss);
        _trainAccuracy.Add(onTrain.Accuracy);
        _loss.Add(onEvaluated.Loss);
        _accuracy.Add(onEvaluated.Accuracy);
        Last = onEvaluated;
    }

    /// <summary>Two panels: the cross-entropy per epoch, and the accuracy per epoch, each for both sets.</summary>
    public Figure ToFigure(string title)
    {
        var loss = new LinePlot("Loss (cross-entropy, after each epoch)") { XLabel = "epoch", YLabel = "cross-entropy (no label smoothing)" }
            .Add("train", _epochs, _trainLoss).Add(evaluatedName, _epochs, _loss);
        var accuracy = new LinePlot("Accuracy (after each epoch)") { XLabel = "epoch", YLabel = "accuracy", YPercent = true }
            .Add("train", _epochs, _trainAccuracy).Add(evaluatedName, _epochs, _accuracy);
        return new Figure(columns: 2) { Title = title }.Add(loss).Add(accuracy);
    }
}
