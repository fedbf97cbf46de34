"""Loads a model saved by `examples/FashionMnist --save FILE` into PyTorch and scores it on the test images.

    python3 examples/FashionMnist/load_in_pytorch.py model.safetensors [DATA_DIR]

The file is read from the safetensors specification alone (8-byte little-endian header length, JSON header,
raw little-endian data), so the only requirements are PyTorch and NumPy. The parameter names are those of the
equivalent nn.Sequential (Linear, ReLU, Dropout, ..., Linear for --model mlp; Conv2d, ReLU, MaxPool2d, ...,
Linear for --model cnn), so load_state_dict(strict=True) takes them as they are; the network, the hidden sizes
and the input standardisation come from the file's metadata.
"""
import gzip
import json
import struct
import sys

import numpy as np
import torch
from torch import nn

DTYPES = {"F32": "<f4", "F64": "<f8"}


def read_safetensors(path):
    raw = open(path, "rb").read()
    (header_length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + header_length])
    metadata = header.pop("__metadata__", {})
    body = raw[8 + header_length:]
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        values = np.frombuffer(body[start:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(values.copy())
    return tensors, metadata


def read_idx(path):
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    rank = data[3]
    shape = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data[4 + 4 * rank:], dtype=np.uint8).reshape(shape)


def build_mlp(hidden):
    layers, width = [], 784
    for size in hidden:
        layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(0.0)]
        width = size
    return nn.Sequential(*layers, nn.Linear(width, 10))


def build_cnn():
    """The benchmark's CNN, layer for layer as examples/FashionMnist/Cnn.cs builds it (so the names match)."""
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def main():
    model_path = sys.argv[1]
    data_dir = sys.argv[2] if len(sys.argv) > 2 else "examples/data"
    state, metadata = read_safetensors(model_path)
    is_cnn = metadata["format"].endswith("CNN")
    model = build_cnn() if is_cnn else build_mlp([int(size) for size in metadata["hidden"].split()])
    model.load_state_dict(state, strict=True)

    images = read_idx(f"{data_dir}/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    labels = read_idx(f"{data_dir}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    inputs = (torch.from_numpy(images) - float(metadata["input_mean"])) / float(metadata["input_std"])
    if is_cnn:
        inputs = inputs.reshape(-1, 1, 28, 28)  # one-channel images, NCHW
    with torch.no_grad():
        predicted = torch.cat([model.eval()(part).argmax(dim=1) for part in inputs.split(1000)])
    accuracy = (predicted == torch.from_numpy(labels)).float().mean().item()
    print(f"PyTorch, MiniNet's {'CNN' if is_cnn else 'MLP'} weights: test accuracy {accuracy:.4f} on {len(labels):,} images")


if __name__ == "__main__":
    main()
