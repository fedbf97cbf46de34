# Prints the PyTorch reference values pasted into BatchNormTorchValues.cs (run with Debian's python3 and torch 1.13):
#   /usr/bin/python3 tests/MiniNet.Tests/Ops/batch_norm_reference.py > tests/MiniNet.Tests/Ops/BatchNormTorchValues.cs
# Inputs are closed-form so the C# test rebuilds them exactly: x[i] = sin(0.37 i + 0.1)·(1 + 0.2 i) + 0.5, the weight
# w[c] = cos(0.91 c) + 1.5, the bias b[c] = 0.1 c − 0.2, and the upstream gradient g[i] = cos(0.53 i), over each
# tensor's flat (row-major) index; a second step of training sees x2[i] = cos(0.29 i)·(2 − 0.1 i) − 1 (same shape).
import math
import torch
from torch import nn

torch.set_default_dtype(torch.float64)


def make(shape, f):
    n = math.prod(shape)
    return torch.tensor([f(i) for i in range(n)], dtype=torch.float64).reshape(shape)


def x_of(shape):
    return make(shape, lambda i: math.sin(0.37 * i + 0.1) * (1 + 0.2 * i) + 0.5)


def x2_of(shape):
    return make(shape, lambda i: math.cos(0.29 * i) * (2 - 0.1 * i) - 1)


def g_of(shape):
    return make(shape, lambda i: math.cos(0.53 * i))


fmt = lambda t: ", ".join(repr(v) for v in t.detach().flatten().tolist())


def emit(name, **tensors):
    for key, value in tensors.items():
        print(f"    public static readonly double[] {name}{key} = [{fmt(value)}];")


def layer(kind, channels, momentum=0.1):
    bn = (nn.BatchNorm1d if kind == 1 else nn.BatchNorm2d)(channels, momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(make([channels], lambda c: math.cos(0.91 * c) + 1.5))
        bn.bias.copy_(make([channels], lambda c: 0.1 * c - 0.2))
    return bn


def training_case(name, kind, shape, momentum=0.1):
    """Two training steps (forward and backward on the second), then evaluation on x: outputs, gradients, buffers."""
    bn = layer(kind, shape[1], momentum)
    bn.train()
    bn(x2_of(shape))
    x = x_of(shape).requires_grad_()
    y = bn(x)
    y.backward(g_of(shape))
    print(f"    // {name}: {type(bn).__name__}({shape[1]}, momentum={momentum}), input {shape}: training on x2 then x")
    emit(name, TrainOutput=y, TrainInputGrad=x.grad, TrainWeightGrad=bn.weight.grad, TrainBiasGrad=bn.bias.grad,
         RunningMean=bn.running_mean, RunningVar=bn.running_var)
    bn.eval()
    bn.weight.grad = None
    bn.bias.grad = None
    x = x_of(shape).requires_grad_()
    y = bn(x)
    y.backward(g_of(shape))
    emit(name, EvalOutput=y, EvalInputGrad=x.grad, EvalWeightGrad=bn.weight.grad, EvalBiasGrad=bn.bias.grad)


print("namespace MiniNet.Tests.Ops;")
print()
print("/// <summary>PyTorch 1.13 float64 values printed by batch_norm_reference.py (beside this file): nn.BatchNorm1d/2d in both modes.</summary>")
print("internal static class BatchNormTorchValues")
print("{")
training_case("Images", 2, [3, 4, 3, 5])                 # odd sizes
training_case("Sequences", 1, [2, 3, 7])                 # [N, C, L]
training_case("Rows", 1, [5, 3])                         # [N, C]
training_case("Cumulative", 2, [2, 3, 2, 3], momentum=None)
# Evaluation of a single image with the running statistics of the Images case.
bn = layer(2, 4)
bn.train()
bn(x2_of([3, 4, 3, 5]))
bn(x_of([3, 4, 3, 5]))
bn.eval()
x = x_of([1, 4, 3, 5]).requires_grad_()
y = bn(x)
y.backward(g_of([1, 4, 3, 5]))
print("    // BatchOfOne: the Images layer after its two training steps, evaluating one image [1, 4, 3, 5]")
emit("BatchOfOne", Output=y, InputGrad=x.grad)
print("}")
