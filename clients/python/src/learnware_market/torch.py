"""PyTorch helpers (needs ``torch``; the rest of the package does not): export a module to TorchScript
and describe its input and output for the specification from a sample batch."""

from __future__ import annotations

import os

import torch as _torch


def export(
    module: "_torch.nn.Module",
    sample: "_torch.Tensor",
    path: str | os.PathLike,
    *,
    labels: list[str] | None = None,
    script: bool = False,
) -> dict:
    """Writes ``module`` as TorchScript to ``path`` (traced on ``sample``, or scripted with ``script``) and
    returns the spec's ``{"input": …, "output": …}`` read from the sample batch: a batch of n × d rows gives
    ``{"dimension": d}``, n × C × H × W images ``{"channels", "height", "width"}``; the output is
    ``{"dimension": k}`` (with ``labels`` when given, one per output). The exported module is checked to
    give the same outputs as ``module`` on the sample."""
    if sample.dim() not in (2, 4):
        raise ValueError(f"the sample must be a batch of rows (n × d) or images (n × C × H × W), got {tuple(sample.shape)}")
    module = module.eval()
    with _torch.no_grad():
        expected = module(sample)
        exported = _torch.jit.script(module) if script else _torch.jit.trace(module, sample)
        exported.save(os.fspath(path))
        again = _torch.jit.load(os.fspath(path))(sample)
    if not isinstance(expected, _torch.Tensor) or expected.dim() != 2 or expected.shape[0] != sample.shape[0]:
        raise ValueError("the module must map a batch to one row of outputs per sample (n × k)")
    if not _torch.allclose(expected, again, rtol=1e-5, atol=1e-6):
        raise ValueError("the exported module's outputs differ from the module's on the sample")
    if sample.dim() == 2:
        input_spec = {"dimension": int(sample.shape[1])}
    else:
        _, channels, height, width = sample.shape
        input_spec = {"channels": int(channels), "height": int(height), "width": int(width)}
    output_spec: dict = {"dimension": int(expected.shape[1])}
    if labels is not None:
        if len(labels) != expected.shape[1]:
            raise ValueError(f"{len(labels)} labels for {expected.shape[1]} outputs")
        output_spec["labels"] = list(labels)
    return {"input": input_spec, "output": output_spec}
