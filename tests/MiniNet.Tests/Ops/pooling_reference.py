# Prints the PyTorch reference values pasted into PoolingTorchValues.cs (run with Debian's python3 and torch 1.13):
#   /usr/bin/python3 tests/MiniNet.Tests/Ops/pooling_reference.py
# Inputs are closed-form so the C# test rebuilds them exactly: x[i] = sin(0.37 i + 0.1) and the upstream gradient
# g[i] = cos(0.53 i), over each tensor's flat (row-major) index.
import math
import torch
import torch.nn.functional as F

def make(shape, f):
    n = math.prod(shape)
    return torch.tensor([f(i) for i in range(n)], dtype=torch.float64).reshape(shape)

def case(name, shape, pool):
    x = make(shape, lambda i: math.sin(0.37 * i + 0.1)).requires_grad_()
    y = pool(x)
    g = make(list(y.shape), lambda i: math.cos(0.53 * i))
    y.backward(g)
    fmt = lambda t: ", ".join(repr(v) for v in t.detach().flatten().tolist())
    print(f"    // {name}: output {list(y.shape)}")
    print(f"    public static readonly double[] {name}Output = [{fmt(y)}];")
    print(f"    public static readonly double[] {name}InputGrad = [{fmt(x.grad)}];")

case("MaxPool", [2, 3, 7, 6], lambda x: F.max_pool2d(x, (3, 2), stride=(2, 1), padding=(1, 1), dilation=(1, 2)))
case("AvgPool", [2, 2, 7, 6], lambda x: F.avg_pool2d(x, (3, 2), stride=(2, 2), padding=(1, 1), count_include_pad=True))
case("AvgPoolExcludingPad", [1, 3, 6, 7], lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False))
case("AdaptiveAvgPool", [2, 2, 7, 5], lambda x: F.adaptive_avg_pool2d(x, (3, 2)))
