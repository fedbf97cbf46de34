using MiniNet.Layers;

namespace MiniNet.Reporting;

/// <summary>
/// What a <see cref="TrainingMonitor"/> gathers at one layer during a measured step: its output's statistics, the
/// squared gradient norms its tensor hooks add up, and its parameters as they were before the optimiser's step.
/// </summary>
internal sealed class LayerProbe
{
    public LayerProbe(Module module, string name)
    {
        (Module, Name) = (module, name);
        // Made once: a hook registered on a measured step allocates no closure.
        InputGradientHook = gradient => Gathered(ref InputSquares, gradient);
        OutputGradientHook = gradient => Gathered(ref OutputSquares, gradient);
        _parameterGradientObserver = ObserveParameter;
    }

    public Module Module { get; }

    /// <summary>The hooks that add a gradient's squared norm at the layer's input, at its output, at its parameters.</summary>
    public readonly Func<Tensor, Tensor?> InputGradientHook, OutputGradientHook;
    private readonly Action<Tensor> _parameterGradientObserver;

    private static Tensor? Gathered(ref double squares, Tensor gradient)
    {
        double added = MonitorStatistics.SumOfSquares(gradient);
        squares = double.IsNaN(squares) ? added : squares + added;
        return null;
    }

    /// <summary>The layer's name in the model, e.g. <c>2</c> or <c>blocks.0.fc</c>.</summary>
    public string Name { get; }

    public string KindName => Module.GetType().Name;

    public LayerKind Kind => Module switch
    {
        Sigmoid => LayerKind.Sigmoid,
        Tanh => LayerKind.Tanh,
        ReLU => LayerKind.ReLU,
        _ => LayerKind.Other,
    };

    // The step being measured.
    public ActivationCounts? Activations;
    public double InputSquares = double.NaN, OutputSquares = double.NaN;
    private Tensor[] _parameters = [];
    private Tensor[] _before = [];
    private double[] _gradientSquares = []; // per parameter, NaN until a backward pass gave it a gradient
    private bool _observing;

    /// <summary>Forgets the last measured step and keeps a copy of the parameters, to measure the coming update against.</summary>
    public void Begin()
    {
        (Activations, InputSquares, OutputSquares) = (null, double.NaN, double.NaN);
        _parameters = [.. Module.Parameters()];
        if (_gradientSquares.Length != _parameters.Length) _gradientSquares = new double[_parameters.Length];
        Array.Fill(_gradientSquares, double.NaN);
        if (_before.Length != _parameters.Length) _before = new Tensor[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            if (_before[i] is not { } copy || copy.Shape != parameter.Shape || copy.DType != parameter.DType)
                _before[i] = Tensor.Uninitialized(parameter.Shape, parameter.DType);
            MonitorStatistics.CopyTo(parameter, _before[i]);
        }
    }

    /// <summary>
    /// Observes the parameters' gradients at the end of this step's backward pass (once per step, however often the layer
    /// is called): their <see cref="Tensor.Grad"/>, what the optimiser will step with. An observer, unlike a hook, leaves
    /// the gathering of the gradient as it is and allocates nothing.
    /// </summary>
    public void ObserveParameters()
    {
        if (_observing) return;
        _observing = true;
        foreach (var parameter in _parameters)
            if (parameter.RequiresGrad) parameter.GradientObserver += _parameterGradientObserver;
    }

    private void ObserveParameter(Tensor parameter)
    {
        for (int i = 0; i < _parameters.Length; i++)
            if (ReferenceEquals(_parameters[i], parameter) && parameter.Grad is { } gradient) _gradientSquares[i] = MonitorStatistics.SumOfSquares(gradient);
    }

    /// <summary>The step's record, with the update measured from the parameters now; the gradient hooks are taken off.</summary>
    public LayerRecord Finish(long step)
    {
        if (_observing)
            foreach (var parameter in _parameters) parameter.GradientObserver -= _parameterGradientObserver;
        _observing = false;
        double gradientSquares = double.NaN;
        foreach (double squares in _gradientSquares)
            if (!double.IsNaN(squares)) gradientSquares = double.IsNaN(gradientSquares) ? squares : gradientSquares + squares;
        double update = 0, weights = 0;
        for (int i = 0; i < _parameters.Length; i++)
        {
            var (u, w) = MonitorStatistics.UpdateSquares(_parameters[i], _before[i]);
            (update, weights) = (update + u, weights + w);
        }
        var counts = Activations;
        double saturated = Kind is LayerKind.Sigmoid or LayerKind.Tanh && counts is { Count: > 0 } c ? (double)c.Saturated / c.Count : double.NaN;
        double dead = Kind == LayerKind.ReLU && counts is { Units: > 0 } d ? (double)d.DeadUnits / d.Units : double.NaN;
        return new LayerRecord(step, Name, KindName, Math.Sqrt(gradientSquares), Math.Sqrt(InputSquares), Math.Sqrt(OutputSquares),
            _parameters.Length == 0 ? double.NaN : Math.Sqrt(update) / Math.Sqrt(weights),
            counts?.Mean ?? double.NaN, counts?.Std ?? double.NaN, saturated, dead);
    }
}
