using MiniNet;
using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;

// Fashion-MNIST: 28×28 images of 10 kinds of clothing (a 10,000-image subset ships in examples/data).
string data = args.Length > 0 ? args[0] : "examples/data";
var train = FashionMnist.Load(data);
var test = FashionMnist.Load(data, train: false);

var model = new Sequential(new Dense(784, 128, seed: 1), new ReLU(), new Dense(128, 10, seed: 2));
var head = new SoftmaxHead();   // one class per image: softmax + cross-entropy, fused
var optimizer = new Adam(model.Parameters(), lr: 1e-3);
var batches = new DataLoader(train, batchSize: 64, shuffle: true, generator: new Generator(3));

for (int epoch = 1; epoch <= 3; epoch++)
    foreach (var batch in batches)
    {
        optimizer.ZeroGrad();
        head.Loss(model.Forward(batch.Features), batch.Labels).Backward();
        optimizer.Step();
    }

using (Tape.NoGrad())
{
    var logits = model.Eval().Forward(test.ToTensor().Flatten(1));
    Console.WriteLine($"test accuracy: {head.Accuracy(logits, test.GetLabels()):0.0000}");
}

WhichHead.Show();
