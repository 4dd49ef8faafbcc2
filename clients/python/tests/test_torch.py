"""learnware_market.torch: TorchScript export with the spec's input and output (needs PyTorch)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed (learnware_market.torch needs it)")

from learnware_market import rkme  # noqa: E402
from learnware_market.torch import export  # noqa: E402

from conftest import FIXTURES, digits_spec  # noqa: E402


def test_export_writes_torchscript_and_describes_rows_and_images(tmp_path):
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.ReLU(), torch.nn.Linear(16, 10))
    rows = torch.rand(8, 64)
    described = export(mlp, rows, tmp_path / "mlp.pt", labels=[str(i) for i in range(10)])
    assert described == {"input": {"dimension": 64}, "output": {"dimension": 10, "labels": [str(i) for i in range(10)]}}
    assert torch.allclose(torch.jit.load(str(tmp_path / "mlp.pt"))(rows), mlp(rows))

    cnn = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.Flatten(), torch.nn.Linear(4 * 26 * 26, 3))
    assert export(cnn, torch.rand(2, 1, 28, 28), tmp_path / "cnn.pt", script=True) == {
        "input": {"channels": 1, "height": 28, "width": 28},
        "output": {"dimension": 3},
    }
    with pytest.raises(ValueError, match="labels"):
        export(mlp, rows, tmp_path / "x.pt", labels=["a"])


def test_an_exported_model_uploads_and_pulls_back(client, owner, digits_train, tmp_path):
    x, labels = digits_train
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    optimiser = torch.optim.Adam(mlp.parameters(), lr=0.01)
    inputs, targets = torch.tensor(x, dtype=torch.float32), torch.tensor(labels)
    for _ in range(100):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(mlp(inputs), targets).backward()
        optimiser.step()
    accuracy = (mlp(inputs).argmax(1) == targets).float().mean().item()
    assert accuracy > 0.9

    spec = digits_spec(rkme.build(x))
    del spec["model"]["featureExtractor"]
    spec.update(export(mlp, inputs[:16], tmp_path / "model.pt", labels=[str(i) for i in range(10)]))
    answer = client.upload(f"{owner}/exported", spec=spec, model=tmp_path / "model.pt")
    client.wait_usable(f"{owner}/exported@{answer['version']}", timeout=120)
    client.pull(f"{owner}/exported", tmp_path / "pulled")
    pulled = torch.jit.load(str(tmp_path / "pulled/model.pt"))
    assert np.array_equal(pulled(inputs).argmax(1).numpy(), mlp(inputs).argmax(1).numpy())
