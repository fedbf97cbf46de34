namespace MiniNet.Reporting;

/// <summary>What a <see cref="TrainingMonitor"/> measured at one layer in one measured step. NaN where a figure does not apply or was not reached.</summary>
public sealed record LayerRecord
{
    internal LayerRecord(long step, string layer, string kind, double parameterGradientNorm, double inputGradientNorm, double outputGradientNorm,
        double updateRatio, double activationMean, double activationStd, double saturatedShare, double deadShare)
    {
        (Step, Layer, Kind) = (step, layer, kind);
        (ParameterGradientNorm, InputGradientNorm, OutputGradientNorm, UpdateRatio) = (parameterGradientNorm, inputGradientNorm, outputGradientNorm, updateRatio);
        (ActivationMean, ActivationStd, SaturatedShare, DeadShare) = (activationMean, activationStd, saturatedShare, deadShare);
    }

    /// <summary>The training step, counted from 1.</summary>
    public long Step { get; }

    /// <summary>The layer's name in the model (<c>2</c> in a <see cref="Layers.Sequential"/>, <c>fc1</c>, <c>blocks.0.fc</c>).</summary>
    public string Layer { get; }

    /// <summary>The layer's type name (<c>Dense</c>, <c>Sigmoid</c>).</summary>
    public string Kind { get; }

    /// <summary>‖∂L/∂θ‖₂ over the layer's parameters: their gradients when that step's backward pass ended, what the optimiser steps with.</summary>
    public double ParameterGradientNorm { get; }

    /// <summary>‖∂L/∂x‖₂ at the layer's input: what it passes back (NaN where the input takes no gradient).</summary>
    public double InputGradientNorm { get; }

    /// <summary>‖∂L/∂y‖₂ at the layer's output: what it receives.</summary>
    public double OutputGradientNorm { get; }

    /// <summary>‖θ after − θ before‖₂ / ‖θ before‖₂: how far the optimiser's step moved the layer's parameters.</summary>
    public double UpdateRatio { get; }

    /// <summary>The mean of the layer's output.</summary>
    public double ActivationMean { get; }

    /// <summary>The standard deviation of the layer's output (with N − 1, as <c>torch.std</c>).</summary>
    public double ActivationStd { get; }

    /// <summary>For a Sigmoid or Tanh layer, the share of its outputs that are saturated.</summary>
    public double SaturatedShare { get; }

    /// <summary>For a ReLU layer, the share of its units (features; channels of an image) that are 0 for every example of the batch.</summary>
    public double DeadShare { get; }

    /// <summary>The layer's gradient norm as the table shows it: its parameters' where it has any, else the one at its input.</summary>
    public double GradientNorm => double.IsNaN(ParameterGradientNorm) ? InputGradientNorm : ParameterGradientNorm;
}

/// <summary>What a <see cref="TrainingMonitor"/> measured at the model's output, where the loss met the targets, in one measured step.</summary>
public sealed record HeadRecord
{
    internal HeadRecord(long step, string loss, double saturatedWrongShare, double confidentlyWrongShare) =>
        (Step, Loss, SaturatedWrongShare, ConfidentlyWrongShare) = (step, loss, saturatedWrongShare, confidentlyWrongShare);

    /// <summary>The training step, counted from 1.</summary>
    public long Step { get; }

    /// <summary>The loss the output went into: <c>softmax cross-entropy</c>, <c>sigmoid binary cross-entropy</c> or <c>squared error</c>.</summary>
    public string Loss { get; }

    /// <summary>
    /// The share of outputs saturated on the wrong side: a probability within the saturation margin of 0 where the target
    /// is 1, or of 1 where it is 0.
    /// </summary>
    public double SaturatedWrongShare { get; }

    /// <summary>The share of predictions that put at least the confidence on a wrong answer: rows for softmax, outputs for sigmoids.</summary>
    public double ConfidentlyWrongShare { get; }
}
