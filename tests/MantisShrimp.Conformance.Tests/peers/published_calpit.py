"""Peer for the published CalPIT model: CalPIT's MonotonicNN (calpit/nn/umnn.py, UMNN's ParallelNeuralIntegral) and
CalPit.transform written out in PyTorch + scipy (the calpit package is not installed), with pipeline.get_feature_vector's
features and the fitting notebook's PDF smoothing.

usage: published_calpit.py OUTDIR HIDDEN SEED N [--std-only]
Writes OUTDIR/calpit_checkpoint.pt (torch.save of a random MonotonicNN(84, [HIDDEN]*4, sigmoid=True) state dict),
calpit_mean.npy (float32), calpit_std.npy (float64), inputs lupt.npy (N x 9 luptitudes, NUV first as extract_magnitude
orders them), ebv.npy (N x 2), probs.npy (N x 400 class probabilities), and the recalibrated class probabilities
out_std.npy (features divided by the std file) and out_mean.npy (divided by the mean file, as pipeline.py does).
"""
import json, math, os, sys
import numpy as np
import torch
import torch.nn as nn
from scipy.interpolate import PchipInterpolator

out, hidden, seed, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
os.makedirs(out, exist_ok=True)
torch.manual_seed(seed)
rng = np.random.default_rng(seed)


def compute_cc_weights(nb_steps):  # UMNN ParallelNeuralIntegral.compute_cc_weights
    lam = np.arange(0, nb_steps + 1, 1).reshape(-1, 1)
    lam = np.cos((lam @ lam.T) * math.pi / nb_steps)
    lam[:, 0] = .5
    lam[:, -1] = .5 * lam[:, -1]
    lam = lam * 2 / nb_steps
    W = np.arange(0, nb_steps + 1, 1).reshape(-1, 1)
    W[np.arange(1, nb_steps + 1, 2)] = 0
    W = 2 / (1 - W ** 2)
    W[0] = 1
    W[np.arange(1, nb_steps + 1, 2)] = 0
    return torch.tensor(lam.T @ W).float(), torch.tensor(np.cos(np.arange(0, nb_steps + 1, 1).reshape(-1, 1) * math.pi / nb_steps)).float()


def integrate(x0, nb_steps, step_sizes, integrand, h):  # forward branch (compute_grad=False)
    cc_weights, steps = compute_cc_weights(nb_steps)
    xT = x0 + nb_steps * step_sizes
    x0_t = x0.unsqueeze(1).expand(-1, nb_steps + 1, -1)
    xT_t = xT.unsqueeze(1).expand(-1, nb_steps + 1, -1)
    h_steps = h.unsqueeze(1).expand(-1, nb_steps + 1, -1)
    steps_t = steps.unsqueeze(0).expand(x0_t.shape[0], -1, x0_t.shape[2])
    X_steps = x0_t + (xT_t - x0_t) * (steps_t + 1) / 2
    X_steps = X_steps.contiguous().view(-1, x0_t.shape[2])
    h_steps = h_steps.contiguous().view(-1, h.shape[1])
    dzs = integrand(X_steps, h_steps)
    dzs = dzs.view(xT_t.shape[0], nb_steps + 1, -1)
    dzs = dzs * cc_weights.unsqueeze(0).expand(dzs.shape)
    z_est = dzs.sum(1)
    return z_est * (xT - x0) / 2


class IntegrandNN(nn.Module):
    def __init__(self, in_d, hidden_layers):
        super().__init__()
        self.net = []
        hs = [in_d] + hidden_layers + [1]
        for h0, h1 in zip(hs, hs[1:]):
            self.net.extend([nn.Linear(h0, h1), nn.ReLU()])
        self.net.pop()
        self.net.append(nn.ELU())
        self.net = nn.Sequential(*self.net)

    def forward(self, x, h):
        return self.net(torch.cat((x, h), 1)) + 1.


class MonotonicNN(nn.Module):
    def __init__(self, in_d, hidden_layers, nb_steps=50, sigmoid=False):
        super().__init__()
        self.integrand = IntegrandNN(in_d, hidden_layers)
        self.net = []
        hs = [in_d - 1] + hidden_layers + [2]
        for h0, h1 in zip(hs, hs[1:]):
            self.net.extend([nn.Linear(h0, h1), nn.ReLU()])
        self.net.pop()
        self.net = nn.Sequential(*self.net)
        self.nb_steps = nb_steps
        self.sigmoid = sigmoid

    def forward(self, x_input):
        x = x_input[:, 0][:, None]
        h = x_input[:, 1:]
        x0 = torch.zeros(x.shape)
        out = self.net(h)
        offset = out[:, [0]]
        scaling = torch.exp(out[:, [1]])
        v = scaling * integrate(x0, self.nb_steps, (x - x0) / self.nb_steps, self.integrand, h) + offset
        return torch.sigmoid(v) if self.sigmoid else v


def normalize(density, z_grid):  # calpit.utils._normalize, the area < 1 branch (always taken for class probabilities)
    area = np.trapz(np.maximum(density, 0.0), z_grid)
    assert 0 < area < 1
    density /= area
    density[density < 0.0] = 0.0


def trapz_grid(y, x):  # calpit.utils.trapz_grid
    dx = np.diff(x)
    integral = np.cumsum(dx * (y[:, 1:] + y[:, :-1]) / 2, axis=-1)
    return np.hstack((np.zeros(len(integral))[:, None], integral))


def transform(model, x_test, cde_test, y_grid):  # CalPit.transform with predict's 2-D cov_grid branch
    cdf_test = trapz_grid(cde_test, y_grid)
    with torch.no_grad():
        pred = model(torch.Tensor(np.hstack([np.ravel(cdf_test)[:, None], np.repeat(x_test, cdf_test.shape[1], axis=0)]))).numpy()
    pred = pred.reshape(len(x_test), -1)
    pred[pred < 0] = 0
    pred[pred > 1] = 1
    return PchipInterpolator(y_grid, pred, extrapolate=True, axis=1).derivative(1)(y_grid)


def features(lupt, ebv):  # pipeline.get_feature_vector before normalisation
    diffs = lupt[:, :, None] - lupt[:, None, :]  # [N, a, b] = L_a - L_b
    mask = np.eye(9).reshape(-1).astype(bool)
    diffs = diffs.reshape(len(lupt), -1)[:, ~mask]
    return np.concatenate([diffs, ebv, lupt], axis=1)


model = MonotonicNN(84, [hidden] * 4, sigmoid=True)
with torch.no_grad():  # offsets and scales that vary with the features, so r̂ is not one global curve
    model.net[-1].weight.mul_(5.0)
model.train(False)
torch.save(model.state_dict(), os.path.join(out, "calpit_checkpoint.pt"))
mean = rng.normal(0, 0.3, 83).astype(np.float32)
std = rng.uniform(0.5, 2.0, 83)
np.save(os.path.join(out, "calpit_mean.npy"), mean)
np.save(os.path.join(out, "calpit_std.npy"), std)
lupt = rng.normal(1.5, 0.8, (n, 9))
ebv = rng.uniform(0.0, 0.2, (n, 2))
centre = rng.uniform(20, 380, n)
logits = -0.5 * ((np.arange(400)[None, :] - centre[:, None]) / rng.uniform(3, 40, n)[:, None]) ** 2
probs = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype(np.float32)
np.save(os.path.join(out, "lupt.npy"), lupt)
np.save(os.path.join(out, "ebv.npy"), ebv.astype(np.float32))
np.save(os.path.join(out, "probs.npy"), probs)
y_grid = np.linspace(0, 1.6, 400)
f = features(lupt.astype(np.float32).astype(np.float64), ebv.astype(np.float32).astype(np.float64))
for name, divisor in [("std", std), ("mean", mean)][:1 if "--std-only" in sys.argv else 2]:
    x = ((f - mean) / divisor) / 3
    p = probs.astype(np.float64)
    cde = (p + 1e-2) / np.sum(p + 1e-2, axis=1)[:, None]  # NOTEBOOKS/GettingCalpitToWork.ipynb
    for row in cde:
        normalize(row, y_grid)
    new = transform(model, x, cde, y_grid)
    np.save(os.path.join(out, f"out_{name}.npy"), np.ascontiguousarray(new / np.sum(new, 1)[:, None]))
print(json.dumps({"parameters": sum(p.numel() for p in model.parameters()), "galaxies": n}))
