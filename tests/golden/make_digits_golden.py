"""Regenerate tests/golden/digits.npz and digits.json: the Gradient Descent Variants notebook's digits MLP trained by
torch.optim (needs torch and scikit-learn; the tests need neither torch nor this script).

    python3 -m venv /work/torchenv
    /work/torchenv/bin/pip install torch==2.13.0 numpy scikit-learn==1.9.1
    /work/torchenv/bin/python tests/golden/make_digits_golden.py

The set-up, written here from its description, independently of the project's code:
  data     sklearn's load_digits; StandardScaler fitted on all 1,797 images (as the Gradient Descent Variants notebook
           does), then train_test_split(test_size=0.2, random_state=42); training set only.
  model    64 -> 64 ReLU -> 10 logits, as x @ W1 + b1 and h @ W2 + b2 with plain tensors.
  loss     torch.nn.functional.cross_entropy (mean over the 1,437 training images).
  start    numpy.random.default_rng(0): W1 = N(0,1) (64, 64) * sqrt(2/64), then
           W2 = N(0,1) (64, 10) * sqrt(2/64); biases 0.
  params   flattened as W1 (row-major), b1, W2, b2: 4,810 numbers.
  steps    full batch, float64, foreach=False; one optimizer step per epoch.

Writes, per case (key = case id): `<id>_loss` the loss at epochs 0..EPOCHS (after that
many steps), `<id>_at_<e>` the parameter vector after e steps for e in SNAPSHOT_EPOCHS.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

HERE = Path(__file__).resolve().parent
EPOCHS = 60
SNAPSHOT_EPOCHS = (10, 60)
CASES = {
    "sgd": ("SGD", {"lr": 0.01}),
    "momentum": ("SGD", {"lr": 0.01, "momentum": 0.9}),
    "adam": ("Adam", {"lr": 0.01}),
    "adamw": ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
}

torch.set_default_dtype(torch.float64)


def data():
    digits = load_digits()
    x = StandardScaler().fit_transform(digits.data)
    x_train, _, y_train, _ = train_test_split(x, digits.target, test_size=0.2, random_state=42)
    return torch.tensor(x_train), torch.tensor(y_train, dtype=torch.long)


def start():
    rng = np.random.default_rng(0)
    w1 = rng.standard_normal((64, 64)) * np.sqrt(2 / 64)
    w2 = rng.standard_normal((64, 10)) * np.sqrt(2 / 64)
    return [torch.tensor(w1), torch.zeros(64), torch.tensor(w2), torch.zeros(10)]


def flat(params) -> np.ndarray:
    return np.concatenate([p.detach().numpy().ravel() for p in params])


def loss(params, x, y):
    w1, b1, w2, b2 = params
    return torch.nn.functional.cross_entropy(torch.relu(x @ w1 + b1) @ w2 + b2, y)


def main() -> None:
    x, y = data()
    arrays, meta = {}, {"torch": torch.__version__, "sklearn": sklearn.__version__, "epochs": EPOCHS,
                        "snapshot_epochs": list(SNAPSHOT_EPOCHS), "cases": {}}
    for case, (name, kwargs) in CASES.items():
        params = [p.requires_grad_() for p in start()]
        optimizer = getattr(torch.optim, name)(params, foreach=False, **kwargs)

        losses = []
        for epoch in range(EPOCHS + 1):
            optimizer.zero_grad()
            value = loss(params, x, y)
            losses.append(value.item())
            if epoch in SNAPSHOT_EPOCHS:
                arrays[f"{case}_at_{epoch}"] = flat(params)
            if epoch < EPOCHS:
                value.backward()
                optimizer.step()
        arrays[f"{case}_loss"] = np.array(losses)
        meta["cases"][case] = {"optimizer": name, "kwargs": kwargs}
        print(f"{case}: loss {losses[0]:.6f} -> {losses[-1]:.6f}")
    np.savez_compressed(HERE / "digits.npz", **arrays)
    (HERE / "digits.json").write_text(json.dumps(meta, indent=2) + "\n")


if __name__ == "__main__":
    main()
