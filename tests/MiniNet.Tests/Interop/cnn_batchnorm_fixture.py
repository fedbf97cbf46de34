"""The PyTorch side of the CNN interop test (tests/MiniNet.Tests/Interop/CnnInteropTests.cs). Debian's python3 with torch
1.13; no safetensors package: the files are read and written by the format's specification (an 8-byte little-endian
header length, a compact JSON header padded with spaces to a multiple of 8, then the raw little-endian data, tensors
ordered as the reference writer orders them: dtype I64, then F64, then F32, then name).

    /usr/bin/python3 tests/MiniNet.Tests/Interop/cnn_batchnorm_fixture.py
        Trains the CNN below for 300 SGD steps on the shipped Fashion-MNIST subset (seed 0) and writes, beside this
        script, cnn_batchnorm.safetensors (its state_dict, names as PyTorch gives them, num_batches_tracked as I64) and
        cnn_batchnorm_logits.safetensors (the first 8 shipped test images, [8, 1, 28, 28], and the model's
        evaluation-mode logits for them, [8, 10], float32).

    /usr/bin/python3 tests/MiniNet.Tests/Interop/cnn_batchnorm_fixture.py --check DIR
        The other way: loads DIR/mininet_cnn.safetensors, which the MiniNet test writes when MININET_INTEROP_DIR=DIR is
        set, into the same PyTorch model with load_state_dict(strict=True), and compares its evaluation-mode logits and
        its accuracy on the 2,000 shipped test images with MiniNet's (DIR/mininet_logits.safetensors).
"""
import gzip
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "examples", "data")
TO_NUMPY = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}
FROM_TORCH = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
WRITE_ORDER = {"I64": 0, "F64": 1, "F32": 2}


def build():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(784, 10))


def write_safetensors(path, tensors, metadata=None):
    ordered = sorted(tensors.items(), key=lambda item: (WRITE_ORDER[FROM_TORCH[item[1].dtype]], item[0].encode("utf-8")))
    header, offset, body = {}, 0, []
    if metadata is not None:
        header["__metadata__"] = dict(sorted(metadata.items()))
    for name, tensor in ordered:
        dtype = FROM_TORCH[tensor.dtype]
        data = tensor.detach().contiguous().numpy().astype(TO_NUMPY[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        body.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)) + text + b"".join(body))


def read_safetensors(path):
    raw = open(path, "rb").read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    metadata = header.pop("__metadata__", {})
    body = raw[8 + length:]
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        values = np.frombuffer(body[start:end], dtype=TO_NUMPY[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(values.copy())
    return tensors, metadata


def read_idx(path):
    data = gzip.decompress(open(path, "rb").read())
    rank = data[3]
    shape = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data[4 + 4 * rank:], dtype=np.uint8).reshape(shape)


def images(train):
    prefix = "train" if train else "t10k"
    pixels = read_idx(os.path.join(DATA, f"{prefix}-images-idx3-ubyte.gz")).astype(np.float32) / 255
    labels = read_idx(os.path.join(DATA, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64)
    return torch.from_numpy(pixels).unsqueeze(1), torch.from_numpy(labels)


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def make_fixture():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = build()
    x, y = images(train=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    model.train()
    for step in range(300):
        batch = order[(step * 64) % len(x):][:64]
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
        optimizer.step()
    model.eval()
    test_x, test_y = images(train=False)
    print(f"trained 300 steps; test accuracy {accuracy(model, test_x, test_y):.4f}; "
          f"num_batches_tracked {model[4].num_batches_tracked.item()}; running_var {model[4].running_var[:4].tolist()}")
    write_safetensors(os.path.join(HERE, "cnn_batchnorm.safetensors"), model.state_dict())
    with torch.no_grad():
        logits = model(test_x[:8])
    write_safetensors(os.path.join(HERE, "cnn_batchnorm_logits.safetensors"), {"images": test_x[:8], "logits": logits},
                      {"torch": torch.__version__})


def check(directory):
    state, _ = read_safetensors(os.path.join(directory, "mininet_cnn.safetensors"))
    print("dtypes:", {name: str(t.dtype).replace("torch.", "") for name, t in state.items() if "4." in name})
    model = build()
    model.load_state_dict(state, strict=True)
    model.eval()
    expected, metadata = read_safetensors(os.path.join(directory, "mininet_logits.safetensors"))
    with torch.no_grad():
        logits = model(expected["images"])
    difference = (logits - expected["logits"]).abs().max().item()
    test_x, test_y = images(train=False)
    print(f"PyTorch loads MiniNet's file strictly; largest logit difference on {len(logits)} images: {difference:.3g}")
    print(f"test accuracy: PyTorch {accuracy(model, test_x, test_y):.4f}, MiniNet {float(metadata['accuracy']):.4f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        make_fixture()
