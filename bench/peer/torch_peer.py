#!/usr/bin/env python3
"""PyTorch on MiniNet's standard workloads (bench/WORKLOADS.md), timed the way MiniNet times them.

`dotnet run -c Release --project bench/MiniNet.Bench -- compare` runs this script and MiniNet's own workloads
alternately and prints the ratios; run it alone to see PyTorch's figures:

    python3 bench/peer/torch_peer.py [--only SUBSTRING] [--fashion] [--cnn] [--isa native|avx2|sse]

Needs PyTorch; on Debian or Ubuntu, once:

    apt-get install -y python3-torch python3-numpy libopenblas0-pthread dataset-fashion-mnist

(`dataset-fashion-mnist` only for --fashion and --cnn; --data DIR points at other copies of the IDX files.)
Prints one line per workload, `torch.<name><TAB><value><TAB><unit>`, the median of 5 rounds after a warm-up call.
PyTorch runs in its fastest setting on a 2-core machine: one intra-op thread for the MLP and head workloads with
two OpenBLAS threads for its products, and two intra-op threads (oneDNN) for the convolutions. Override with
OMP_NUM_THREADS and OPENBLAS_NUM_THREADS.

--isa avx2 (or sse) caps PyTorch's three kernel libraries at that instruction set, as an AVX2-only (or older) CPU
would: oneDNN through ONEDNN_MAX_CPU_ISA, ATen through ATEN_CPU_CAPABILITY, OpenBLAS through OPENBLAS_CORETYPE.
`compare` passes the cap that matches MiniNet's own path, so that DOTNET_EnableAVX512=0 on an AVX-512 machine
compares two AVX2 programs rather than MiniNet's AVX2 kernels with oneDNN's AVX-512 ones. Without it (or with
--isa native) each library picks what it would by default: on an AVX-512 CPU oneDNN's convolutions use AVX-512,
while Debian's ATen and OpenBLAS (Haswell kernels on AMD's Zen) stay at AVX2.
"""
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Each library reads its cap when it loads, so these must be set before torch is imported.
ISA_CAPS = {
    "native": {},
    "avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "OPENBLAS_CORETYPE": "Haswell"},
    "sse": {"ONEDNN_MAX_CPU_ISA": "SSE41", "ATEN_CPU_CAPABILITY": "default", "OPENBLAS_CORETYPE": "Nehalem"},
}
ISA = sys.argv[sys.argv.index("--isa") + 1] if "--isa" in sys.argv else "native"
if ISA not in ISA_CAPS:
    sys.exit(f"torch_peer.py: --isa {ISA!r} is not one of {', '.join(ISA_CAPS)}")
for variable, value in ISA_CAPS[ISA].items():
    os.environ.setdefault(variable, value)

import gzip  # noqa: E402  (the thread settings must be in place before torch loads)
import struct  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

INTRA_OP_THREADS = int(os.environ["OMP_NUM_THREADS"])
CONVOLUTION_THREADS = 2


def option(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


ONLY = option("--only", "")
DATA = option("--data", "/usr/share/datasets/fashion-mnist")


def wanted(name):
    return ONLY in name


def report(name, value, unit):
    # An epoch takes well under a second: one decimal would hide the difference.
    precision = ".3f" if unit == "s/epoch" else ".1f"
    print(f"torch.{name}\t{value:{precision}}\t{unit}", flush=True)


def median_seconds(run, calls, rounds=5):
    """The median over rounds of the mean time of one call, after one warm-up call."""
    run()
    means = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            run()
        means.append((time.perf_counter() - start) / calls)
    return sorted(means)[rounds // 2]


def mlp(sizes):
    """Dense layers with ReLU between them, PyTorch's default initialisation."""
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def optimiser(name, model):
    return torch.optim.SGD(model.parameters(), lr=0.01) if name == "sgd" else torch.optim.Adam(model.parameters(), lr=1e-3)


def gemm_workloads():
    for n in (128, 256, 512, 1024):
        name = f"gemm{n}"
        if wanted(name):
            a, b, c = torch.randn(n, n), torch.randn(n, n), torch.empty(n, n)
            # Into a reused result, as MiniNet's side does (a fresh one measured the same here: the allocator reuses it).
            seconds = median_seconds(lambda: torch.mm(a, b, out=c), max(3, int(2e8 / n ** 3)))
            report(name, 2 * n ** 3 / seconds / 1e9, "GFLOP/s")


def step_workloads():
    for sizes, batch, optimiser_name in [((784, 128, 10), 1, "sgd"), ((784, 256, 10), 64, "sgd"),
                                         ((784, 256, 10), 64, "adam"), ((784, 512, 512, 10), 256, "adam")]:
        name = f"mlp{'-'.join(map(str, sizes))}.b{batch}.{optimiser_name}"
        if not wanted(name):
            continue
        model = mlp(sizes)
        opt = optimiser(optimiser_name, model)
        x, y = torch.randn(batch, sizes[0]), torch.randint(0, sizes[-1], (batch,))

        def step():
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
        report(name, median_seconds(step, 200 if batch <= 64 else 50) * 1e6, "us/step")


def head_workloads():
    rows, classes = 4096, 1000
    logits = torch.randn(rows, classes, requires_grad=True)
    if wanted("softmax_ce"):
        labels = torch.randint(0, classes, (rows,))

        def softmax_ce():
            logits.grad = None
            F.cross_entropy(logits, labels).backward()
        report(f"softmax_ce.{rows}x{classes}", median_seconds(softmax_ce, 20) * 1e6, "us/fwd+bwd")
    if wanted("sigmoid_bce"):
        targets = torch.randint(0, 2, (rows, classes)).float()

        def sigmoid_bce():
            logits.grad = None
            F.binary_cross_entropy_with_logits(logits, targets).backward()
        report(f"sigmoid_bce.{rows}x{classes}", median_seconds(sigmoid_bce, 20) * 1e6, "us/fwd+bwd")


def convolution_workload():
    if not wanted("conv2d"):
        return
    torch.set_num_threads(CONVOLUTION_THREADS)
    conv = nn.Conv2d(32, 64, 3, padding=1)
    x = torch.randn(64, 32, 14, 14, requires_grad=True)

    def forward_backward():
        x.grad = None
        conv.zero_grad()
        conv(x).sum().backward()
    report("conv2d.b64.32x14x14.64x3x3", median_seconds(forward_backward, 10) * 1e6, "us/fwd+bwd")
    torch.set_num_threads(INTRA_OP_THREADS)


def idx(file_name):
    """An IDX file (gzip) as a uint8 tensor of its declared shape."""
    with gzip.open(os.path.join(DATA, file_name)) as f:
        raw = f.read()
    dimensions = raw[3]
    shape = struct.unpack(">" + "i" * dimensions, raw[4:4 + 4 * dimensions])
    return torch.frombuffer(bytearray(raw[4 + 4 * dimensions:]), dtype=torch.uint8).reshape(shape)


def train_epochs(model, images, labels, epochs, batch=128):
    """Seconds per epoch: shuffled batches, Adam at 1e-3, cross-entropy on class indices."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(images))
        for i in range(0, len(images), batch):
            chosen = order[i:i + batch]
            opt.zero_grad()
            F.cross_entropy(model(images[chosen]), labels[chosen]).backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
    return sorted(seconds)[epochs // 2]


def accuracy(model, images, labels, batch=1000):
    with torch.no_grad():
        right = sum((model(images[i:i + batch]).argmax(1) == labels[i:i + batch]).sum().item() for i in range(0, len(images), batch))
    return 100 * right / len(labels)


def fashion_workloads():
    fashion, cnn = "--fashion" in sys.argv, "--cnn" in sys.argv
    if not (fashion or cnn):
        return
    train_x = idx("train-images-idx3-ubyte.gz").reshape(-1, 784).float() / 255
    train_y = idx("train-labels-idx1-ubyte.gz").long()
    test_x = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784).float() / 255
    test_y = idx("t10k-labels-idx1-ubyte.gz").long()
    if fashion:
        model = mlp((784, 256, 10))
        report("fashion.mlp784-256-10.b128.adam.epoch", train_epochs(model, train_x, train_y, 10), "s/epoch")
        report("fashion.mlp784-256-10.b128.adam.10epochs.test_accuracy", accuracy(model, test_x, test_y), "%")
    if cnn:
        torch.set_num_threads(CONVOLUTION_THREADS)
        model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
        images, test_images = train_x.reshape(-1, 1, 28, 28), test_x.reshape(-1, 1, 28, 28)
        report("fashion.cnn.b128.adam.epoch", train_epochs(model, images, train_y, 3), "s/epoch")
        report("fashion.cnn.b128.adam.3epochs.test_accuracy", accuracy(model, test_images, test_y), "%")
        torch.set_num_threads(INTRA_OP_THREADS)


if __name__ == "__main__":
    torch.set_num_threads(INTRA_OP_THREADS)
    torch.manual_seed(0)
    gemm_workloads()
    step_workloads()
    head_workloads()
    convolution_workload()
    fashion_workloads()
