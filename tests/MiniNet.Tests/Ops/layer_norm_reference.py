# Prints the PyTorch reference values pasted into LayerNormTorchValues.cs (run with Debian's python3 and torch 1.13):
#   /usr/bin/python3 tests/MiniNet.Tests/Ops/layer_norm_reference.py
# Inputs are closed-form so the C# test rebuilds them exactly: x[i] = sin(0.37 i + 0.1)·(1 + 0.2 i), w[i] = cos(0.91 i),
# b[i] = 0.1 i − 0.2, and the upstream gradient g[i] = cos(0.53 i), over each tensor's flat (row-major) index.
import math
import torch
import torch.nn.functional as F

def make(shape, f):
    n = math.prod(shape)
    return torch.tensor([f(i) for i in range(n)], dtype=torch.float64).reshape(shape).requires_grad_()

def case(name, xs, normalized, affine, eps):
    x = make(xs, lambda i: math.sin(0.37 * i + 0.1) * (1 + 0.2 * i))
    w = make(normalized, lambda i: math.cos(0.91 * i)) if affine else None
    b = make(normalized, lambda i: 0.1 * i - 0.2) if affine else None
    y = F.layer_norm(x, normalized, w, b, eps)
    g = make(list(y.shape), lambda i: math.cos(0.53 * i)).detach()
    y.backward(g)
    fmt = lambda t: ", ".join(repr(v) for v in t.detach().flatten().tolist())
    print(f"    // {name}: input {xs}, normalizedShape {normalized}, eps {eps}")
    print(f"    public static readonly double[] {name}Output = [{fmt(y)}];")
    print(f"    public static readonly double[] {name}InputGrad = [{fmt(x.grad)}];")
    if affine:
        print(f"    public static readonly double[] {name}WeightGrad = [{fmt(w.grad)}];")
        print(f"    public static readonly double[] {name}BiasGrad = [{fmt(b.grad)}];")

case("TwoDims", [3, 2, 4], [2, 4], True, 1e-5)
case("LastDim", [2, 3, 5], [5], False, 1e-3)
