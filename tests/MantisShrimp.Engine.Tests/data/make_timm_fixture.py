#!/usr/bin/env python3
"""Writes timm_convnext_demo.pth: a state dict in the file format torch.save writes, made without PyTorch.

Why: no PyTorch here, and the engine's importer (TorchSharp.PyBridge) should be tested on a file that it did not
write itself. This follows torch/serialization.py (zip "archive/" with data.pkl, byteorder, version and one
data/N entry per storage; tensors pickled as torch._utils._rebuild_tensor_v2 of a persistent
('storage', torch.FloatStorage, key, 'cpu', numel); the state dict an OrderedDict carrying _metadata, as
Module.state_dict() returns it). Keys follow timm's ConvNeXt with conv_mlp=True, dims (16, 32, 64, 128),
depths (1, 1, 2, 1), 3 input channels and a 10-class head.fc. Values: value(t, i) below, reproduced by the test.

Run from this folder: python3 make_timm_fixture.py
"""
import collections
import pickle
import struct
import sys
import types
import zipfile

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")


class FloatStorage:
    pass


def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks):
    raise RuntimeError("only pickled here")


FloatStorage.__module__ = "torch"
_rebuild_tensor_v2.__module__ = "torch._utils"
torch.FloatStorage = FloatStorage
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


class Storage:
    def __init__(self, key, values):
        self.key, self.values = key, values


class Tensor:
    def __init__(self, storage, shape):
        self.storage, self.shape = storage, shape

    def __reduce__(self):
        stride, s = [], 1
        for d in reversed(self.shape):
            stride.insert(0, s)
            s *= d
        return (_rebuild_tensor_v2, (self.storage, 0, tuple(self.shape), tuple(stride), False, collections.OrderedDict()))


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", FloatStorage, obj.key, "cpu", len(obj.values))
        return None


def timm_convnext_keys(dims, depths, in_chans, num_classes):
    keys = [("stem.0.weight", (dims[0], in_chans, 4, 4)), ("stem.0.bias", (dims[0],)), ("stem.1.weight", (dims[0],)), ("stem.1.bias", (dims[0],))]
    for s, (dim, depth) in enumerate(zip(dims, depths)):
        if s > 0:
            keys += [(f"stages.{s}.downsample.0.weight", (dims[s - 1],)), (f"stages.{s}.downsample.0.bias", (dims[s - 1],)),
                     (f"stages.{s}.downsample.1.weight", (dim, dims[s - 1], 2, 2)), (f"stages.{s}.downsample.1.bias", (dim,))]
        for b in range(depth):
            p = f"stages.{s}.blocks.{b}."
            keys += [(p + "gamma", (dim,)), (p + "conv_dw.weight", (dim, 1, 7, 7)), (p + "conv_dw.bias", (dim,)),
                     (p + "norm.weight", (dim,)), (p + "norm.bias", (dim,)),
                     (p + "mlp.fc1.weight", (4 * dim, dim, 1, 1)), (p + "mlp.fc1.bias", (4 * dim,)),
                     (p + "mlp.fc2.weight", (dim, 4 * dim, 1, 1)), (p + "mlp.fc2.bias", (dim,))]
    keys += [("head.norm.weight", (dims[-1],)), ("head.norm.bias", (dims[-1],)),
             ("head.fc.weight", (num_classes, dims[-1])), ("head.fc.bias", (num_classes,))]
    return keys


def value(t, i):
    """Tensor t (its position in the file), element i: distinct, small, exactly representable in float32."""
    return ((t * 131 + i * 7) % 1000 - 500) / 1024.0 / 64.0


def main(path="timm_convnext_demo.pth"):
    state = collections.OrderedDict()
    storages = []
    for t, (key, shape) in enumerate(timm_convnext_keys((16, 32, 64, 128), (1, 1, 2, 1), 3, 10)):
        n = 1
        for d in shape:
            n *= d
        storage = Storage(str(t), [value(t, i) for i in range(n)])
        storages.append(storage)
        state[key] = Tensor(storage, shape)
    state._metadata = collections.OrderedDict([("", {"version": 1}), ("stem", {"version": 1}), ("stages", {"version": 1})])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        import io
        buffer = io.BytesIO()
        Pickler(buffer, protocol=2).dump(state)
        z.writestr("archive/data.pkl", buffer.getvalue())
        z.writestr("archive/byteorder", "little")
        for s in storages:
            z.writestr(f"archive/data/{s.key}", struct.pack(f"<{len(s.values)}f", *s.values))
        z.writestr("archive/version", "3\n")
    print(f"{path}: {len(state)} tensors")


if __name__ == "__main__":
    main()
