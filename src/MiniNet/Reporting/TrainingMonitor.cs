using MiniNet.Layers;

namespace MiniNet.Reporting;

/// <summary>
/// Per-layer telemetry for a training loop, attached in one line: every <see cref="TrainingMonitorOptions.Every"/>-th
/// training step it records, for each layer, the gradient norm, the update-to-weight ratio, the activations' mean and
/// deviation, the share of saturated sigmoid and tanh outputs, the share of dead ReLU units, and at the head the shares
/// saturated on the wrong side and confidently wrong — and explains once, in plain words, what it sees.
/// </summary>
/// <remarks>
/// <para><b>How it watches.</b> It puts a forward pre-hook and a forward hook on every layer (every module without
/// sub-modules), so it sees the layers that are called through <see cref="Module.Call"/> (as <see cref="Sequential"/>
/// calls them). A step is a training forward pass (recording, in training mode), counted when the first layer it saw is
/// called again. On a measured step it reads each layer's output, hooks the gradients at its input and its output, reads its
/// parameters' gradients when the backward pass ends, and keeps a copy of the parameters; at the next step (or when you read the records) it measures how far
/// the optimiser moved them. The head is the loss the model's output goes into: <see cref="SoftmaxHead"/> (labels as
/// <c>int[]</c>), <see cref="SigmoidHead"/>, or <see cref="Losses.MeanSquaredError"/> after a <see cref="Sigmoid"/>
/// layer. Other steps cost a few hook calls per layer and allocate nothing.</para>
/// <para>One thread trains with a monitored model at a time. <see cref="Dispose"/> detaches the monitor.</para>
/// <code>
/// using var monitor = TrainingMonitor.Attach(model);
/// … // train as usual
/// Console.Write(monitor.Table());
/// </code>
/// </remarks>
public sealed partial class TrainingMonitor : IDisposable
{
    private static TrainingMonitor[] s_attached = [];
    private static readonly Lock s_attaching = new();

    private readonly LayerProbe[] _probes;
    private readonly List<HookHandle> _handles = [];
    private Module? _firstCalled;
    private bool _measuring, _detached;
    private long _measuredStep;
    private Tensor? _lastOutput;
    private LayerProbe? _lastProbe;
    private string? _loss;
    private HeadCounts? _head;
    private readonly List<LayerRecord> _records = [];
    private readonly List<HeadRecord> _headRecords = [];

    private TrainingMonitor(Module model, TrainingMonitorOptions options)
    {
        Model = model;
        Options = options;
        var probes = new List<LayerProbe>();
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        FindLayers(model, "", probes, seen);
        _probes = [.. probes];
        foreach (var probe in _probes)
        {
            _handles.Add(probe.Module.RegisterForwardPreHook((module, input) => Before(probe, input)));
            _handles.Add(probe.Module.RegisterForwardHook((module, input, output) => After(probe, output)));
        }
    }

    /// <summary>Attaches a monitor to every layer of <paramref name="model"/> (the modules without sub-modules; the model itself if it has none).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="InvalidOperationException">A member of the model holds modules that nothing registers (see <see cref="Module"/>).</exception>
    public static TrainingMonitor Attach(Module model, TrainingMonitorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var monitor = new TrainingMonitor(model, options ?? new TrainingMonitorOptions());
        lock (s_attaching) s_attached = [.. s_attached, monitor];
        return monitor;
    }

    /// <summary>The model watched.</summary>
    public Module Model { get; }

    /// <summary>The settings.</summary>
    public TrainingMonitorOptions Options { get; }

    /// <summary>The training steps seen so far.</summary>
    public long Steps { get; private set; }

    /// <summary>The layers watched, by name, in the order of the model.</summary>
    public IReadOnlyList<string> Layers => Array.ConvertAll(_probes, p => p.Name);

    /// <summary>Every layer's record of every measured step, step by step (a step still being measured is finished first).</summary>
    public IReadOnlyList<LayerRecord> Records
    {
        get
        {
            FinishMeasuring();
            return _records;
        }
    }

    /// <summary>The head's record of every measured step where the model's output went into a loss the monitor knows.</summary>
    public IReadOnlyList<HeadRecord> HeadRecords
    {
        get
        {
            FinishMeasuring();
            return _headRecords;
        }
    }

    private static void FindLayers(Module module, string name, List<LayerProbe> probes, HashSet<Module> seen)
    {
        bool hasChildren = false;
        foreach (var (childName, child) in module.NamedChildren())
        {
            hasChildren = true;
            FindLayers(child, name.Length == 0 ? childName : $"{name}.{childName}", probes, seen);
        }
        if (!hasChildren && seen.Add(module)) probes.Add(new LayerProbe(module, name.Length == 0 ? module.GetType().Name : name));
    }

    private Tensor? Before(LayerProbe probe, Tensor input)
    {
        if (_detached || !Tape.IsRecording || !probe.Module.Training) return null;
        if (_firstCalled is null || ReferenceEquals(_firstCalled, probe.Module)) BeginStep(probe.Module);
        if (_measuring && input.RequiresGrad) input.RegisterHook(probe.InputGradientHook);
        return null;
    }

    private Tensor? After(LayerProbe probe, Tensor output)
    {
        if (_detached || !_measuring || !Tape.IsRecording || !probe.Module.Training) return null;
        probe.Activations = MonitorStatistics.Activations(output, probe.Kind, Options.SigmoidSaturation, Options.TanhSaturation);
        if (output.RequiresGrad) output.RegisterHook(probe.OutputGradientHook);
        probe.ObserveParameters();
        (_lastOutput, _lastProbe) = (output, probe); // the last layer to finish is the model's output
        return null;
    }

    private void BeginStep(Module first)
    {
        _firstCalled ??= first;
        FinishMeasuring();
        Steps++;
        _measuring = (Steps - 1) % Options.Every == 0;
        if (!_measuring) return;
        _measuredStep = Steps;
        (_lastOutput, _lastProbe, _loss, _head) = (null, null, null, null);
        foreach (var probe in _probes) probe.Begin();
    }

    /// <summary>Ends the step being measured: its records, the update measured from the parameters now, and what they show.</summary>
    private void FinishMeasuring()
    {
        if (!_measuring) return;
        _measuring = false;
        int first = _records.Count;
        foreach (var probe in _probes) _records.Add(probe.Finish(_measuredStep));
        if (_loss is not null && _head is { } head)
            _headRecords.Add(new HeadRecord(_measuredStep, _loss,
                head.Outputs == 0 ? double.NaN : (double)head.SaturatedWrong / head.Outputs,
                head.Predictions == 0 ? double.NaN : (double)head.ConfidentlyWrong / head.Predictions));
        Explain(first);
        UpdateStatus(first);
        _lastOutput = null; // the step's tensors are not kept alive
    }

    /// <summary>The losses that report the tensor they are given, for a monitor to recognise the model's output.</summary>
    internal enum LossKind { SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError }

    /// <summary>True when a monitor is attached anywhere: only then do the losses report to <see cref="ObserveLoss"/>.</summary>
    internal static bool AnyAttached => Volatile.Read(ref s_attached).Length > 0;

    /// <summary>A loss took <paramref name="input"/>: if it is a monitored model's output on a measured step, measure the head.</summary>
    internal static void ObserveLoss(LossKind kind, Tensor input, Tensor? targets, int[]? labels)
    {
        foreach (var monitor in Volatile.Read(ref s_attached)) monitor.OnLoss(kind, input, targets, labels);
    }

    private void OnLoss(LossKind kind, Tensor input, Tensor? targets, int[]? labels)
    {
        if (!_measuring || !ReferenceEquals(input, _lastOutput) || !Tape.IsRecording) return;
        double margin = Options.SigmoidSaturation, confidence = Options.Confidence;
        if (kind == LossKind.SigmoidBinaryCrossEntropy && targets is not null)
            (_loss, _head) = ("sigmoid binary cross-entropy", MonitorStatistics.BinaryHead(input, targets, logits: true, margin, confidence));
        else if (kind == LossKind.SoftmaxCrossEntropy && labels is not null && input.Rank == 2)
            (_loss, _head) = ("softmax cross-entropy", MonitorStatistics.SoftmaxHead(input, labels, margin, confidence));
        else if (kind == LossKind.SquaredError)
            (_loss, _head) = ("squared error", targets is not null && _lastProbe?.Kind == LayerKind.Sigmoid
                ? MonitorStatistics.BinaryHead(input, targets, logits: false, margin, confidence) : null);
    }

    /// <summary>Detaches the monitor: its hooks are removed; what it recorded stays readable.</summary>
    public void Dispose()
    {
        if (_detached) return;
        FinishMeasuring();
        _detached = true;
        foreach (var handle in _handles) handle.Remove();
        lock (s_attaching) s_attached = Array.FindAll(s_attached, m => !ReferenceEquals(m, this));
    }
}
