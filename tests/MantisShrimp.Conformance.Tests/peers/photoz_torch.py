"""The photo-z networks in plain PyTorch: an independent implementation of ConvNeXt (timm's module names) and the
early/late fusion networks, for the conformance suite.

  photoz_torch.py pdf STATE.pth SPEC.json     load STATE (torch.load, strict load_state_dict), run SPEC's inputs,
                                              write the PDFs (softmax of the logits) to SPEC["out"]
  photoz_torch.py train STATE.pth SPEC.json   load STATE, train it SPEC["steps"] NAdam steps (SPEC["lr"], SPEC["weight_decay"])
                                              on SPEC's batches (cycled; labels in SPEC["labels"], int64), report the
                                              losses, the gradient norm of every parameter at the first step, and the
                                              (mean, std) of every tensor of STATE and of the same network initialised
                                              here as timm's convnext.py _init_weights does (seed SPEC["seed"])
  photoz_torch.py make SPEC.json              build a seeded network in PyTorch, torch.save its state dict in our layout
                                              (SPEC["ours"]) and a timm ConvNeXt with an RGB stem and an ImageNet head
                                              (SPEC["timm"]), the first again in the pre-1.6 format (SPEC["legacy"]),
                                              write the PDFs of the first on SPEC's inputs to SPEC["out"]

SPEC: {"arch": "early"|"late", "dims": [...], "depths": [...], "channels": [model channels of the bands],
"head_width": N, "classes": N, "batch": B, "inputs": [[file, [shape]], ...] (float32 little-endian), "ebv": file,
"out": file, "seed": S, "timm_check": optional timm state dict whose tensors the loaded one must hold}.
A ConvNeXt block is depthwise 7x7 conv -> LayerNorm (eps 1e-6) -> fc1 -> exact GELU -> fc2 -> gamma -> residual; with
conv_mlp (the small sizes) the norm is a channels-first LayerNorm and fc1/fc2 are 1x1 convolutions, otherwise they are
Linear layers on channels-last data. The stem is a patchify conv (4, or 1 for the late-fusion GALEX/unWISE encoders)
and a channels-first LayerNorm; stages 1-3 start with LayerNorm + 2x2 stride-2 conv; the head pools, normalises
(head.norm) and flattens. The fusion head is Linear(features + 2) -> GELU -> Linear(classes) on features + E(B-V).
"""
import json
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 1e-6


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over channels of NCHW data (timm.layers.LayerNorm2d)."""

    def __init__(self, c):
        super().__init__(c, eps=EPS)

    def forward(self, x):
        return F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps).permute(0, 3, 1, 2)


class Mlp(nn.Module):
    def __init__(self, dim, conv):
        super().__init__()
        self.fc1 = nn.Conv2d(dim, 4 * dim, 1) if conv else nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.fc2 = nn.Conv2d(4 * dim, dim, 1) if conv else nn.Linear(4 * dim, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, conv_mlp):
        super().__init__()
        self.conv_mlp = conv_mlp
        self.conv_dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = LayerNorm2d(dim) if conv_mlp else nn.LayerNorm(dim, eps=EPS)
        self.mlp = Mlp(dim, conv_mlp)
        self.gamma = nn.Parameter(torch.full((dim,), 1e-6))

    def forward(self, x):
        y = self.conv_dw(x)
        if self.conv_mlp:
            y = self.mlp(self.norm(y)) * self.gamma.view(1, -1, 1, 1)
        else:
            y = (self.mlp(self.norm(y.permute(0, 2, 3, 1))) * self.gamma).permute(0, 3, 1, 2)
        return x + y


class Stage(nn.Module):
    def __init__(self, cin, cout, depth, conv_mlp, downsample):
        super().__init__()
        self.downsample = nn.Sequential(LayerNorm2d(cin), nn.Conv2d(cin, cout, 2, stride=2)) if downsample else nn.Identity()
        self.blocks = nn.Sequential(*[Block(cout, conv_mlp) for _ in range(depth)])

    def forward(self, x):
        return self.blocks(self.downsample(x))


class Head(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = LayerNorm2d(dim)

    def forward(self, x):
        return self.norm(x.mean((2, 3), keepdim=True)).flatten(1)


class ConvNeXt(nn.Module):
    def __init__(self, cin, dims, depths, conv_mlp, patch=4):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(cin, dims[0], patch, stride=patch), LayerNorm2d(dims[0]))
        self.stages = nn.Sequential(*[Stage(dims[max(s - 1, 0)], dims[s], depths[s], conv_mlp, s > 0) for s in range(4)])
        self.head = Head(dims[-1])

    def forward(self, x):
        return self.head(self.stages(self.stem(x)))


def fusion_head(features, width, classes):
    return nn.Sequential(nn.Linear(features + 2, width), nn.GELU(), nn.Linear(width, classes))


class EarlyFusion(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.channels = spec["channels"]
        self.backbone = ConvNeXt(len(self.channels), spec["dims"], spec["depths"], spec["conv_mlp"])
        self.head = fusion_head(spec["dims"][-1], spec["head_width"], spec["classes"])

    def forward(self, inputs, ebv):
        x = inputs[0]
        if len(self.channels) != x.shape[1]:
            x = x[:, self.channels]
        return self.head(torch.cat([self.backbone(x), ebv], 1))


class LateFusion(nn.Module):
    def __init__(self, spec):
        super().__init__()
        d, n, c = spec["dims"], spec["depths"], spec["conv_mlp"]
        self.galex = ConvNeXt(2, d, n, c, patch=1)
        self.ps1 = ConvNeXt(5, d, n, c)
        self.unwise = ConvNeXt(2, d, n, c, patch=1)
        self.head = fusion_head(3 * d[-1], spec["head_width"], spec["classes"])

    def forward(self, inputs, ebv):
        return self.head(torch.cat([self.galex(inputs[0]), self.ps1(inputs[1]), self.unwise(inputs[2]), ebv], 1))


def build(spec):
    spec.setdefault("conv_mlp", True)
    return EarlyFusion(spec) if spec["arch"] == "early" else LateFusion(spec)


def inputs_of(spec):
    xs = [torch.from_numpy(np.fromfile(f, "<f4").reshape(shape)) for f, shape in spec["inputs"]]
    ebv = torch.from_numpy(np.fromfile(spec["ebv"], "<f4").reshape(spec["batch"], 2))
    return xs, ebv


def pdfs(model, spec):
    model.eval()
    xs, ebv = inputs_of(spec)
    with torch.no_grad():
        p = torch.softmax(model(xs, ebv), 1)
    p.numpy().astype("<f4").tofile(spec["out"])


def adapt_input_conv(channels, w):
    """timm.models._manipulate.adapt_input_conv for an RGB stem (repeat, then scale by 3 / channels)."""
    repeat = (channels + 2) // 3
    return w.repeat(1, repeat, 1, 1)[:, :channels] * (3.0 / channels)


def timm_init_weights(backbone):
    """timm convnext.py _init_weights, applied by named_apply to every module of the timm model (here: the backbone;
    the reference's fusion layers fc0/fc1 are plain nn.Linear outside it and keep PyTorch's default)."""
    for m in backbone.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.trunc_normal_(m.weight, std=.02)  # timm.layers.trunc_normal_: a=-2, b=2 absolute, as torch's
            if m.bias is not None:
                nn.init.zeros_(m.bias)
            # (timm then scales Linears under "head." by head_init_scale, 1.0 by default; these backbones have none)


def tensor_stats(sd):
    return {k: [float(v.double().mean()), float(v.double().std()) if v.numel() > 1 else 0.0, float(v.abs().max())]
            for k, v in sd.items()}


def train(model, spec):
    """The engine's training step (Trainer.TrainEpoch): cross-entropy of the logits, zero_grad, backward, NAdam step."""
    model.train()
    batch, steps = spec["batch"], spec["steps"]
    xs = [np.fromfile(f, "<f4").reshape(shape) for f, shape in spec["inputs"]]
    ebv = np.fromfile(spec["ebv"], "<f4").reshape(-1, batch, 2)
    labels = np.fromfile(spec["labels"], "<i8").reshape(-1, batch)
    opt = torch.optim.NAdam(model.parameters(), lr=spec["lr"], weight_decay=spec["weight_decay"])
    losses, grads = [], {}
    for s in range(steps):
        b = s % labels.shape[0]
        inputs = [torch.from_numpy(x[b * batch:(b + 1) * batch].copy()) for x in xs]
        loss = F.cross_entropy(model(inputs, torch.from_numpy(ebv[b].copy())), torch.from_numpy(labels[b].copy()))
        opt.zero_grad()
        loss.backward()
        if s == 0:
            grads = {k: float(p.grad.norm()) for k, p in model.named_parameters()}
        opt.step()
        losses.append(float(loss))
    return losses, grads


def main():
    """The command line (module doc); bench/predict_peer.py imports the networks without it."""
    torch.set_num_threads(1)
    mode, rest = sys.argv[1], sys.argv[2:]
    report = {"torch": torch.__version__}
    if mode == "pdf":
        state_path, spec = rest[0], json.load(open(rest[1]))
        sd = torch.load(state_path)
        # A real state_dict() holds detached tensors: numpy() must work on every one, and none may require grad.
        failures = []
        for k, v in sd.items():
            try:
                v.numpy()
            except Exception as e:  # the failure is the figure
                failures.append(f"{k}: {type(e).__name__}: {e}")
        report["keys"] = len(sd)
        report["numpy_failures"] = failures
        report["requires_grad"] = [k for k, v in sd.items() if v.requires_grad]
        model = build(spec)
        model.load_state_dict(sd, strict=True)
        if "timm_check" in spec:
            timm = torch.load(spec["timm_check"])
            worst = 0.0
            for k, v in timm.items():
                if k.startswith("head.fc."):
                    continue  # the ImageNet classifier is not imported
                ours = sd["backbone." + k]
                want = adapt_input_conv(ours.shape[1], v) if k == "stem.0.weight" and v.shape[1] != ours.shape[1] else v
                worst = max(worst, float((ours - want).abs().max()))
            report["timm_max_abs_diff"] = worst
        pdfs(model, spec)
    elif mode == "train":
        state_path, spec = rest[0], json.load(open(rest[1]))
        sd = torch.load(state_path)
        model = build(spec)
        model.load_state_dict(sd, strict=True)
        report["engine_stats"] = tensor_stats(sd)
        torch.manual_seed(spec["seed"])
        own = build(spec)  # PyTorch's defaults everywhere, then timm's scheme on the backbones
        for name, child in own.named_children():
            if name != "head":
                timm_init_weights(child)
        report["timm_stats"] = tensor_stats(own.state_dict())
        report["losses"], report["grad0"] = train(model, spec)
    elif mode == "make":
        spec = json.load(open(rest[0]))
        torch.manual_seed(spec["seed"])
        model = build(spec)
        with torch.no_grad():  # away from the initialisation, so layer scale and every norm matter
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.2)
        torch.save(model.state_dict(), spec["ours"])
        timm = {k[len("backbone."):]: v.clone() for k, v in model.state_dict().items() if k.startswith("backbone.")}
        timm["stem.0.weight"] = torch.randn(timm["stem.0.weight"].shape[0], 3, *timm["stem.0.weight"].shape[2:]) * 0.2
        timm["head.fc.weight"] = torch.randn(1000, spec["dims"][-1]) * 0.02
        timm["head.fc.bias"] = torch.zeros(1000)
        torch.save(timm, spec["timm"])
        torch.save(model.state_dict(), spec["legacy"], _use_new_zipfile_serialization=False)
        report["keys"] = len(model.state_dict())
        pdfs(model, spec)
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
