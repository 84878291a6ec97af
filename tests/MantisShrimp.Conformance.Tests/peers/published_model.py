"""Peer for the published Mantis Shrimp model (pnnl/MantisShrimp models.ConvModel, pipeline.evaluate made deterministic).

write SIZE SEED OUT.pt [--ddp]  a randomly initialised ConvModel of timm's convnext naming (SIZE: atto | large), saved
                                with torch.save(model.state_dict()) (keys prefixed 'module.' with --ddp); prints
                                {"parameters", "keys"}.
infer MODEL.pt SIZE CUTOUTS IDS EBV  the reference inference for each id (comma-separated) with E(B-V) "CSFD,PLANCK":
                                preprocess.process_* (PS1 NaNs inpainted, NAN_interpolation2), utils transforms,
                                NaN -> 0, augmentation.augment_fn at angle 0 without flips, model, softmax,
                                z = sum p * linspace(0, 1.6, 400); prints {"ids": {id: {"p": [...], "z": z,
                                "z_swapped_uv": z with the GALEX planes swapped, "p_swapped_uv_max_diff": ...}}}.
timm's ConvNeXt is written out here in plain PyTorch (timm/models/convnext.py: stem, stages, downsample, blocks with
conv_dw, norm, mlp.fc1/fc2, gamma; NormMlpClassifierHead with head.norm), as timm is not installed.
"""
import json, os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import cv2
from astropy.io import fits
from torchvision import transforms

SIZES = {"atto": ([40, 80, 160, 320], [2, 2, 6, 2], True), "large": ([192, 384, 768, 1536], [3, 3, 27, 3], False)}


class LayerNorm2d(nn.LayerNorm):
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
        self.use_conv_mlp = conv_mlp
        self.conv_dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = LayerNorm2d(dim, eps=1e-6) if conv_mlp else nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, conv_mlp)
        self.gamma = nn.Parameter(1e-6 * torch.ones(dim))

    def forward(self, x):
        shortcut = x
        x = self.conv_dw(x)
        if self.use_conv_mlp:
            x = self.mlp(self.norm(x))
        else:
            x = self.mlp(self.norm(x.permute(0, 2, 3, 1))).permute(0, 3, 1, 2)
        return x.mul(self.gamma.reshape(1, -1, 1, 1)) + shortcut


class Stage(nn.Module):
    def __init__(self, cin, cout, depth, conv_mlp, down):
        super().__init__()
        self.downsample = nn.Sequential(LayerNorm2d(cin, eps=1e-6), nn.Conv2d(cin, cout, 2, stride=2)) if down else nn.Identity()
        self.blocks = nn.Sequential(*[Block(cout, conv_mlp) for _ in range(depth)])

    def forward(self, x):
        return self.blocks(self.downsample(x))


class Head(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = LayerNorm2d(dim, eps=1e-6)
        self.fc = nn.Identity()  # num_classes = 0

    def forward(self, x):
        return self.fc(self.norm(x.mean((2, 3), keepdim=True)).flatten(1))


class ConvNeXt(nn.Module):
    def __init__(self, dims, depths, conv_mlp, in_chans=3):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_chans, dims[0], 4, stride=4), LayerNorm2d(dims[0], eps=1e-6))
        self.stages = nn.Sequential(*[Stage(dims[max(s - 1, 0)], dims[s], depths[s], conv_mlp, s > 0) for s in range(4)])
        self.head = Head(dims[-1])

    def forward(self, x):
        return self.head(self.stages(self.stem(x)))


class ConvModel(nn.Module):  # models.ConvModel
    def __init__(self, Base, features, num_classes=400):
        super().__init__()
        self.fc0 = nn.Linear(features + 2, 2048)
        self.fc1 = nn.Linear(2048, num_classes)
        self.activation = F.gelu
        self.Base = Base

    def forward(self, x, ebv):
        x = self.Base(x)
        x = torch.cat([x, ebv], axis=1)
        return self.fc1(self.activation(self.fc0(x)))


def build(size):
    dims, depths, conv_mlp = SIZES[size]
    base = ConvNeXt(dims, depths, conv_mlp)
    base.stem[0] = nn.Conv2d(9, dims[0], kernel_size=(4, 4), stride=(4, 4))  # models.trained_early
    return ConvModel(base, dims[-1])


def write(size, seed, out, ddp):
    torch.manual_seed(seed)
    model = build(size)
    with torch.no_grad():  # random values everywhere, so that every tensor matters (timm's 1e-6 layer scale would hide blocks)
        for name, p in model.named_parameters():
            if name.endswith("gamma"):
                p.uniform_(0.3, 1.0)
            elif "norm" in name and name.endswith("weight"):
                p.normal_(1.0, 0.2)
            elif name.endswith("bias"):
                p.normal_(0.0, 0.05)
        model.fc1.weight.mul_(40.0)  # peaked PDFs: a wrong input or weight shows in p, not only in a flat 1/400
    sd = model.state_dict()
    if ddp:
        sd = type(sd)(("module." + k, v) for k, v in sd.items())
    torch.save(sd, out)
    print(json.dumps({"parameters": sum(p.numel() for p in model.parameters()), "keys": len(sd)}))


def nan_interpolation2(img):  # preprocess.NAN_interpolation2
    for i in range(len(img)):
        data = img[i]
        mask = np.isnan(data).astype(np.uint8)
        img[i] = cv2.inpaint(data.astype(np.float32), mask, 3, cv2.INPAINT_TELEA)
    return img


def load(cutouts, name):  # preprocess.process_galex / process_panstarrs / process_unwise, pipeline.get_data
    galex = np.array(fits.getdata(os.path.join(cutouts, f"{name}.Galex.fits")))  # [NUV, FUV] as stored
    ps = np.stack([fits.getdata(os.path.join(cutouts, f"{name}.{b}.fits")) for b in "grizy"])
    nan = bool(np.isnan(ps).any())
    if nan:
        ps = nan_interpolation2(ps)  # the reference's > 1 % test never fires
    unwise = np.array(fits.getdata(os.path.join(cutouts, f"{name}.Unwise.fits")))
    return galex.astype(np.float32), ps.astype(np.float32), unwise.astype(np.float32), nan


def galex_transform(a, alpha=0.05):  # utils.galex_transform
    a = a / alpha
    a[a < 0] = 0
    a[a > 1.0] = 1.0
    return a


def new_transform(a, alpha=0.1, Q=6.0, minimum=0.0):  # utils.new_transform
    a = np.arcsinh(alpha * Q * (a - minimum)) / Q
    a[a < minimum] = minimum
    return a


def augment(g, p, u):  # augmentation.augment_fn with angle 0 and no flips
    g, p, u = (transforms.functional.rotate(t, 0.0) for t in (g, p, u))
    p = transforms.CenterCrop((120, 120))(p)
    u = transforms.CenterCrop((22, 22))(u)
    g = transforms.CenterCrop((22, 22))(g)
    up = transforms.Resize((120, 120), antialias=True)
    return up(g), p, up(u)


def infer(model_path, size, cutouts, ids, ebv):
    torch.set_num_threads(1)
    model = build(size)
    sd = torch.load(model_path, map_location="cpu")
    sd = type(sd)((k.split("module.")[1] if "module." in k else k, v) for k, v in sd.items())
    model.load_state_dict(sd)
    model.train(False)
    bins = torch.from_numpy(np.linspace(0, 1.6, 400).astype(np.float32))
    e = torch.tensor([[float(v) for v in ebv.split(",")]], dtype=torch.float32)
    result = {}
    with torch.no_grad():
        for name in ids.split(","):
            g, p, u, had_nan = load(cutouts, name)
            g = torch.from_numpy(galex_transform(g, 0.05))[None]
            p = torch.from_numpy(new_transform(p, 0.01, 8.0))[None]
            u = torch.from_numpy(new_transform(u, 0.1, 6.0))[None]
            p[torch.isnan(p)] = 0.0
            g, p, u = augment(g, p, u)
            x = torch.concatenate([g, p, u], 1)
            prob = F.softmax(model(x, e), dim=-1)
            swapped = F.softmax(model(x[:, [1, 0, 2, 3, 4, 5, 6, 7, 8]], e), dim=-1)
            result[name] = {
                "p": prob[0].tolist(), "z": float(torch.sum(bins * prob, -1)[0]), "nan": had_nan,
                "z_swapped_uv": float(torch.sum(bins * swapped, -1)[0]),
                "p_swapped_uv_max_diff": float((swapped - prob).abs().max()),
                "z_bin_centres": float(torch.sum((torch.arange(400) + 0.5) * 0.004 * prob, -1)[0]),
            }
    print(json.dumps({"ids": result, "torch": torch.__version__}))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], int(sys.argv[3]), sys.argv[4], "--ddp" in sys.argv)
    else:
        infer(*sys.argv[2:7])
