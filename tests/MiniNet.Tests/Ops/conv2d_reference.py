# Prints the PyTorch reference values pasted into Conv2dTests.TorchReference (run with Debian's python3 and torch 1.13):
#   /usr/bin/python3 tests/MiniNet.Tests/Ops/conv2d_reference.py
# Inputs are closed-form so the C# test rebuilds them exactly: x[i] = sin(0.37 i + 0.1), w[i] = cos(0.91 i),
# b[i] = 0.1 i − 0.2, and the upstream gradient g[i] = cos(0.53 i), over each tensor's flat (row-major) index.
import math
import torch
import torch.nn.functional as F

def make(shape, f):
    n = math.prod(shape)
    return torch.tensor([f(i) for i in range(n)], dtype=torch.float64).reshape(shape).requires_grad_()

def case(name, xs, ws, bias, **kw):
    x = make(xs, lambda i: math.sin(0.37 * i + 0.1))
    w = make(ws, lambda i: math.cos(0.91 * i))
    b = make([ws[0]], lambda i: 0.1 * i - 0.2) if bias else None
    y = F.conv2d(x, w, b, **kw)
    g = make(list(y.shape), lambda i: math.cos(0.53 * i)).detach()
    y.backward(g)
    fmt = lambda t: ", ".join(repr(v) for v in t.detach().flatten().tolist())
    print(f"// {name}: output {list(y.shape)}")
    print(f"y = [{fmt(y)}]")
    print(f"dx = [{fmt(x.grad)}]")
    print(f"dw = [{fmt(w.grad)}]")
    if bias: print(f"db = [{fmt(b.grad)}]")

case("strided", [2, 3, 5, 6], [4, 3, 3, 2], True, stride=(2, 1), padding=(1, 2), dilation=(1, 2))
case("grouped same", [1, 4, 5, 4], [6, 2, 2, 3], True, padding="same", groups=2)
