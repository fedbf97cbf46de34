// What a new user does with the MiniNet package: a module of their own (registered by its fields alone), softmax and
// sigmoid training, save and load; and what the package check asks of the installed library: its embedded PDB with
// Source Link, and the application's GC settings left alone unless it opted in. Prints one "ok: …" line per check and
// exits with 1 at the first failure.
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using MiniNet;
using MiniNet.Layers;
using MiniNet.Optim;

int failures = 0;
void Check(bool condition, string what)
{
    Console.WriteLine($"{(condition ? "ok" : "FAILED")}: {what}");
    if (!condition) failures++;
}

// The package README's quick start (it saves xor.safetensors in the working directory).
var xor = QuickStart.Run();
Check(xor[0] < 0.05 && xor[1] > 0.95 && xor[2] > 0.95 && xor[3] < 0.05 && File.Exists("xor.safetensors"),
    $"the README's quick start: p = {string.Join(", ", xor.Select(p => p.ToString("0.000")))}");

// A residual block whose layers are plain fields: automatic registration finds all of them (also after trimming).
var model = new Net();
Check(model.NamedParameters().Select(p => p.Name).SequenceEqual(["input.weight", "input.bias", "hidden.weight", "hidden.bias", "output.weight", "output.bias"]),
    $"registration by fields: {string.Join(", ", model.NamedParameters().Select(p => p.Name))}");

// Softmax head: four points, two classes (XOR).
var x = Tensor.FromArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
int[] labels = [0, 1, 1, 0];
var head = new SoftmaxHead();
var optimizer = new Adam(model.Parameters(), lr: 0.05);
double first = 0, last = 0;
for (int step = 0; step < 300; step++)
{
    optimizer.ZeroGrad();
    var loss = head.Loss(model.Forward(x), labels);
    loss.Backward();
    optimizer.Step();
    if (step == 0) first = loss.Item();
    last = loss.Item();
}
Check(last < first / 10, $"softmax training: loss {first:0.0000} -> {last:0.0000}");

// Sigmoid head on the same data, one logit.
var binary = new Sequential(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2));
var sigmoid = new SigmoidHead();
var sgd = new Sgd(binary.Parameters(), lr: 0.5, momentum: 0.9);
var y = Tensor.FromArray(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } });
for (int step = 0; step < 300; step++)
{
    sgd.ZeroGrad();
    sigmoid.Loss(binary.Forward(x), y).Backward();
    sgd.Step();
}
var probabilities = sigmoid.Probabilities(binary.Forward(x)).ToArray<float>();
Check(probabilities[0] < 0.1 && probabilities[1] > 0.9 && probabilities[2] > 0.9 && probabilities[3] < 0.1,
    $"sigmoid training: p = {string.Join(", ", probabilities.Select(p => p.ToString("0.000")))}");

// Save and load into a fresh model.
string path = Path.Combine(Path.GetTempPath(), $"consumer-{Environment.ProcessId}.safetensors");
model.Save(path);
var loaded = new Net(seed: 99);
loaded.Load(path);
File.Delete(path);
Check(model.Forward(x).ToArray<float>().SequenceEqual(loaded.Forward(x).ToArray<float>()), "save and load give the same outputs");

// The GC settings: the package's MiniNet.props applies them only when the application opts in.
bool optedIn = args.Contains("--expect-gc-settings");
object? threshold = AppContext.GetData("System.GC.LOHThreshold");
Check(optedIn ? threshold is not null : threshold is null,
    optedIn ? $"opted in: System.GC.LOHThreshold = {threshold}" : "not opted in: the runtime's GC settings are untouched");

// The library's PDB is embedded, with Source Link to the repository at the packed commit (skipped where the library
// is no file of its own, as in a native AOT build).
string location = Path.Combine(AppContext.BaseDirectory, "MiniNet.dll");
if (File.Exists(location))
{
    using var pe = new PEReader(File.OpenRead(location));
    var embedded = pe.ReadDebugDirectory().Where(e => e.Type == DebugDirectoryEntryType.EmbeddedPortablePdb).ToArray();
    Check(embedded.Length == 1, "MiniNet.dll embeds its PDB");
    if (embedded.Length == 1)
    {
        using var provider = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded[0]);
        var pdb = provider.GetMetadataReader();
        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        string sourceLink = "";
        foreach (var handle in pdb.GetCustomDebugInformation(EntityHandle.ModuleDefinition))
        {
            var information = pdb.GetCustomDebugInformation(handle);
            if (pdb.GetGuid(information.Kind) == sourceLinkKind)
                sourceLink = System.Text.Encoding.UTF8.GetString(pdb.GetBlobBytes(information.Value));
        }
        string expected = Environment.GetEnvironmentVariable("EXPECTED_SOURCE_LINK") ?? "";
        Check(sourceLink.Contains(expected, StringComparison.Ordinal) && expected.Length > 0, $"Source Link: {sourceLink}");
    }
}

return failures == 0 ? 0 : 1;

/// <summary>The user's own module: three layers in fields, a residual connection, nothing registered by hand.</summary>
internal sealed class Net(ulong seed = 1) : Module
{
    private readonly Dense input = new(2, 16, seed: seed);
    private readonly Dense hidden = new(16, 16, seed: seed + 1);
    private readonly Dense output = new(16, 2, seed: seed + 2);

    public override Tensor Forward(Tensor x)
    {
        var h = input.Forward(x).Tanh();
        return output.Forward(h + hidden.Forward(h).Relu());
    }
}
