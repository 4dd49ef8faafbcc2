"""A Learnware Market learnware packaged for Beimingwu's learnware package
(https://github.com/Learnware-LAMDA/Learnware), written by the market.

market.json next to this file names the model file (the market's artifact, unchanged), its format, task and
input and output shapes. The class works with or without the learnware package installed.

- predict(X): X holds n inputs: a table's rows (n x dimension), or images (n x C x H x W, or flattened) with
  pixel values as the learnware's input range says; the normalization the learnware declares is applied here.
  Returns the model's outputs as a NumPy array: for a classifier one score per class (n x classes; the
  predicted class is the argmax), for a regressor n x outputs.
- finetune(X, y): continues training all parameters with Adam (cross-entropy for classifiers, mean squared
  error otherwise). fit(X, y) does the same for more epochs, starting from the market's weights (a TorchScript
  module cannot be re-initialised generically). Both need PyTorch and a TorchScript model; ONNX models are
  for prediction only.
"""
import json
import os

import numpy as np

try:
    from learnware.model import BaseModel
except ImportError:  # usable without the learnware package

    class BaseModel:
        def __init__(self, input_shape, output_shape):
            self.input_shape = input_shape
            self.output_shape = output_shape


_DIR = os.path.dirname(os.path.abspath(__file__))


class MarketModel(BaseModel):
    def __init__(self):
        with open(os.path.join(_DIR, "market.json"), encoding="utf-8") as f:
            self.info = json.load(f)
        super(MarketModel, self).__init__(
            input_shape=tuple(self.info["inputShape"]), output_shape=tuple(self.info["outputShape"])
        )
        self.format = self.info["format"]
        model_path = os.path.join(_DIR, self.info["modelFile"])
        if self.format == "torchscript":
            import torch

            self.model = torch.jit.load(model_path, map_location="cpu")
            self.model.eval()
        elif self.format == "onnx":
            import onnxruntime

            self.session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
        else:
            raise ValueError("unsupported model format: " + str(self.format))

    def _inputs(self, X):
        X = np.asarray(X, dtype=np.float32).reshape((-1,) + tuple(self.info["inputShape"]))
        normalization = self.info.get("normalization")
        if normalization:
            # Per channel, on axis 1 of n x C x H x W.
            shape = (1, -1) + (1,) * (X.ndim - 2)
            mean = np.asarray(normalization["mean"], dtype=np.float32).reshape(shape)
            std = np.asarray(normalization["std"], dtype=np.float32).reshape(shape)
            X = (X - mean) / std
        return np.ascontiguousarray(X, dtype=np.float32)

    def predict(self, X: np.ndarray) -> np.ndarray:
        X = self._inputs(X)
        if self.format == "torchscript":
            import torch

            with torch.no_grad():
                return self.model(torch.from_numpy(X)).numpy()
        return self.session.run(None, {self.session.get_inputs()[0].name: X})[0]

    def fit(self, X: np.ndarray, y: np.ndarray):
        self.finetune(X, y, epochs=50)

    def finetune(self, X: np.ndarray, y: np.ndarray, epochs: int = 10, learning_rate: float = 1e-3, batch_size: int = 64):
        if self.format != "torchscript":
            raise NotImplementedError(
                "only TorchScript learnwares can be trained here; this one is " + self.format + " (prediction only)"
            )
        import torch

        inputs = torch.from_numpy(self._inputs(X))
        if self.info["task"] == "classification":
            targets = torch.as_tensor(np.asarray(y).reshape(-1), dtype=torch.long)
            loss_function = torch.nn.CrossEntropyLoss()
        else:
            targets = torch.as_tensor(np.asarray(y, dtype=np.float32).reshape(len(inputs), -1))
            loss_function = torch.nn.MSELoss()
        optimizer = torch.optim.Adam(self.model.parameters(), lr=learning_rate)
        generator = torch.Generator().manual_seed(0)
        self.model.train()
        for _ in range(epochs):
            for batch in torch.randperm(len(inputs), generator=generator).split(batch_size):
                optimizer.zero_grad()
                loss_function(self.model(inputs[batch]), targets[batch]).backward()
                optimizer.step()
        self.model.eval()
