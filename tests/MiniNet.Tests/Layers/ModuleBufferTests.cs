using System.Buffers.Binary;
using System.Text;
using MiniNet.Layers;
using MiniNet.Optim;
using MiniNet.Serialization;

namespace MiniNet.Tests.Layers;

/// <summary>Buffers, as PyTorch's register_buffer: saved and loaded with the parameters, never trained.</summary>
public class ModuleBufferTests
{
    /// <summary>Registers, in this order, a parameter, a buffer, a child (by field), another buffer and another parameter.</summary>
    private sealed class Block : Module
    {
        private readonly Dense _child = new(2, 2, seed: 1);

        public Block()
        {
            RegisterParameter("w", Tensor.Zeros([2]));
            RegisterBuffer("count", Tensor.Scalar(0, DType.Float64), integerValued: true);
            RegisterBuffer("stats", Tensor.Zeros([2]));
            RegisterParameter("v", Tensor.Zeros([1]));
        }

        public void Register(string name, Tensor buffer, bool integerValued = false) => RegisterBuffer(name, buffer, integerValued);

        public override Tensor Forward(Tensor input) => _child.Forward(input);
    }

    [Fact]
    public void State_dict_lists_each_modules_parameters_then_its_buffers_then_its_children_as_pytorch()
    {
        // torch: a module that registers w, buffer count, child, buffer stats, parameter v has state_dict keys
        // ['w', 'v', 'count', 'stats', 'child.weight', 'child.bias'].
        Assert.Equal(["w", "v", "count", "stats", "child.weight", "child.bias"], new Block().StateDict().Keys);
        // torch: Sequential(Conv2d(1, 8, 3, padding=1), BatchNorm2d(8)).state_dict().keys()
        var model = new Sequential(new Conv2d(1, 8, 3, padding: 1, seed: 1), new BatchNorm2d(8));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"], model.StateDict().Keys);
        Assert.Equal(["1.running_mean", "1.running_var", "1.num_batches_tracked"], model.NamedBuffers().Select(b => b.Name));
        Assert.Equal(4, model.Parameters().Count()); // the optimiser sees no buffer
    }

    [Fact]
    public void A_buffer_reachable_by_two_paths_is_one_buffer_listed_under_both_names_in_the_state()
    {
        var shared = new BatchNorm1d(3);
        var model = new Sequential(shared, new ReLU(), shared);
        Assert.Equal(["0.running_mean", "0.running_var", "0.num_batches_tracked"], model.NamedBuffers().Select(b => b.Name));
        Assert.Contains("2.running_mean", model.StateDict().Keys);
        Assert.Same(model.StateDict()["0.running_mean"], model.StateDict()["2.running_mean"]);
        model.To(DType.Float64);
        Assert.Same(model.StateDict()["0.running_var"], model.StateDict()["2.running_var"]); // still shared after conversion
    }

    [Fact]
    public void To_converts_floating_point_buffers_and_leaves_integer_valued_ones()
    {
        var bn = new BatchNorm2d(2);
        var counter = bn.NumBatchesTracked;
        bn.To(DType.Float64);
        Assert.Equal(DType.Float64, bn.RunningMean!.DType);
        Assert.Equal(DType.Float64, bn.RunningVar!.DType);
        Assert.Same(counter, bn.NumBatchesTracked);
        bn.To(DType.Float32);
        Assert.Equal(DType.Float32, bn.RunningVar!.DType);
        Assert.Equal(DType.Float64, bn.NumBatchesTracked!.DType);
        Assert.True(bn.NumBatchesTracked.IsIntegerValued);
    }

    [Fact]
    public void An_optimiser_step_leaves_the_buffers_alone()
    {
        var bn = new BatchNorm1d(2, dtype: DType.Float64);
        var optimizer = new Sgd(bn.Parameters(), lr: 0.5);
        var y = bn.Forward(Tensor.Randn([4, 2], 1, DType.Float64));
        (y * y).Sum().Backward();
        var before = bn.Buffers().Select(b => b.ToArray<double>()).ToArray();
        optimizer.Step();
        Assert.Equal(before, bn.Buffers().Select(b => b.ToArray<double>()).ToArray());
    }

    [Fact]
    public void Save_writes_num_batches_tracked_as_an_I64_scalar_first_and_load_restores_every_buffer()
    {
        using var directory = new TempDirectory();
        string path = directory.File("bn.safetensors");
        var trained = new Sequential(new Dense(3, 4, seed: 2), new BatchNorm1d(4));
        for (int step = 0; step < 3; step++) trained.Forward(Tensor.Randn([5, 3], (ulong)step));
        trained.Save(path);

        var bytes = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        // The reference writer's order: I64 before F32, so the counter's 8 bytes come first.
        Assert.StartsWith("{\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},", header);
        Assert.Equal(3L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8 + headerLength)));

        var loaded = new Sequential(new Dense(3, 4, seed: 9), new BatchNorm1d(4));
        loaded.Load(path);
        foreach (var (name, tensor) in trained.StateDict())
            Assert.Equal(AsDoubles(tensor), AsDoubles(loaded.StateDict()[name]));
        Assert.Equal(3.0, ((BatchNorm1d)loaded[1]).NumBatchesTracked!.Item());
        Assert.True(SafeTensors.Load(path).Tensors["1.num_batches_tracked"].IsIntegerValued);
    }

    [Fact]
    public void A_file_whose_counter_is_not_I64_does_not_fit()
    {
        using var directory = new TempDirectory();
        string path = directory.File("f64-counter.safetensors");
        var bn = new BatchNorm1d(2);
        var state = bn.StateDict().ToDictionary(p => p.Key, p => p.Key == "num_batches_tracked" ? Tensor.Scalar(4, DType.Float64) : p.Value);
        SafeTensors.Save(path, state);
        var error = Assert.Throws<InvalidDataException>(() => bn.Load(path));
        Assert.Contains("'num_batches_tracked' is [] F64 in the file but [] I64 in the model", error.Message);
    }

    [Fact]
    public void Load_state_dict_copies_buffers_and_refuses_a_float_for_an_integer_valued_buffer()
    {
        var source = new BatchNorm2d(2);
        source.Forward(Tensor.Randn([2, 2, 3, 3], 4));
        var target = new BatchNorm2d(2);
        target.LoadStateDict(source.StateDict());
        Assert.Equal(source.RunningMean!.ToArray<float>(), target.RunningMean!.ToArray<float>());
        Assert.Equal(1.0, target.NumBatchesTracked!.Item());

        var state = source.StateDict().ToDictionary(p => p.Key, p => p.Key == "num_batches_tracked" ? Tensor.Scalar(1, DType.Float64) : p.Value);
        var error = Assert.Throws<ArgumentException>(() => target.LoadStateDict(state));
        Assert.Contains("'num_batches_tracked' is [] Float64 in the state but [] Int64 (integer-valued) in the model", error.Message);
    }

    [Fact]
    public void A_checkpoint_carries_the_buffers()
    {
        using var directory = new TempDirectory();
        string path = directory.File("checkpoint.safetensors");
        var model = new Sequential(new Dense(3, 2, seed: 1), new BatchNorm1d(2));
        var optimizer = new Sgd(model.Parameters(), lr: 0.1);
        model.Forward(Tensor.Randn([4, 3], 5)).Sum().Backward();
        optimizer.Step();
        Checkpoint.Save(path, model, optimizer, null, epoch: 1);

        var resumed = new Sequential(new Dense(3, 2, seed: 7), new BatchNorm1d(2));
        Assert.Equal(1, Checkpoint.Load(path, resumed, new Sgd(resumed.Parameters(), lr: 0.1), null));
        var bn = (BatchNorm1d)resumed[1];
        Assert.Equal(((BatchNorm1d)model[1]).RunningVar!.ToArray<float>(), bn.RunningVar!.ToArray<float>());
        Assert.Equal(1.0, bn.NumBatchesTracked!.Item());
        Assert.True(bn.NumBatchesTracked.IsIntegerValued);
    }

    /// <summary>A field named like a buffer registered under that name.</summary>
    private sealed class Clash : Module
    {
        private readonly Dense _stats = new(2, 2, seed: 1);

        public Clash() => RegisterBuffer("stats", Tensor.Zeros([2]));

        public override Tensor Forward(Tensor input) => _stats.Forward(input);
    }

    [Fact]
    public void A_member_named_like_a_buffer_is_refused_when_found()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Clash().StateDict());
        Assert.Contains("the member 'stats' holds a module or parameter other than the one registered under the name 'stats'", error.Message);
    }

    [Fact]
    public void Register_buffer_refuses_what_would_be_ambiguous_or_inexact()
    {
        var block = new Block();
        Assert.Contains("already taken", Assert.Throws<ArgumentException>(() => block.Register("w", Tensor.Zeros([1]))).Message);
        Assert.Contains("must be a leaf tensor that does not require grad", Assert.Throws<ArgumentException>(() => block.Register("g", Tensor.Zeros([1]).RequireGrad())).Message);
        Assert.Contains("must be Float64", Assert.Throws<ArgumentException>(() => block.Register("n", Tensor.Scalar(1), integerValued: true)).Message);
        Assert.Contains("holds 0.5, which is not a whole number", Assert.Throws<ArgumentException>(() => block.Register("h", Tensor.Scalar(0.5, DType.Float64), integerValued: true)).Message);
    }

    private static double[] AsDoubles(Tensor tensor) =>
        tensor.DType == DType.Float32 ? Array.ConvertAll(tensor.ToArray<float>(), v => (double)v) : tensor.ToArray<double>();
}
