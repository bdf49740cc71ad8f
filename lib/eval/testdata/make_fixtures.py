"""Generates metrics_fixtures.json: inputs and expected values computed by the
reference implementations on this machine (Debian bookworm packages):
scikit-learn (python3-sklearn) for classification, NLTK (python3-nltk) for
the unsmoothed BLEU core, PyTorch (python3-torch) for cross-entropy, and a
NumPy transcription of Guo et al. 2017 eq. 3 for ECE (no library has it).
Run: /usr/bin/python3 lib/eval/testdata/make_fixtures.py > lib/eval/testdata/metrics_fixtures.json
"""
import json
import numpy as np
import sklearn
from sklearn import metrics as skm
import nltk
from nltk.translate.bleu_score import corpus_bleu
import torch

rng = np.random.default_rng(20261124)
cases = []


def ece(probs, labels, classes, n_bins=10):
    conf = probs.max(axis=1)
    pred = np.array(classes)[probs.argmax(axis=1)]
    acc = (pred == np.array(labels)).astype(float)
    total = 0.0
    for b in range(n_bins):
        lo, hi = b / n_bins, (b + 1) / n_bins
        mask = (conf > lo) & (conf <= hi) if b > 0 else (conf >= 0) & (conf <= hi)
        if mask.any():
            total += abs(acc[mask].mean() - conf[mask].mean()) * mask.sum() / len(conf)
    return float(total)


# Binary, with scores.
n = 200
y = rng.integers(0, 2, n)
p1 = np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1)
p1[:10] = 0.5  # ties
pred = (p1 >= 0.5).astype(int)
exp = {
    "accuracy": skm.accuracy_score(y, pred),
    "roc_auc": skm.roc_auc_score(y, p1),
    "log_loss": skm.log_loss(y, p1),
    "ece": ece(np.stack([1 - p1, p1], 1), y, [0, 1]),
    "confusion_matrix": skm.confusion_matrix(y, pred).tolist(),
}
for avg in ["binary", "macro", "micro", "weighted"]:
    exp[f"precision/{avg}"] = skm.precision_score(y, pred, average=avg, zero_division=0)
    exp[f"recall/{avg}"] = skm.recall_score(y, pred, average=avg, zero_division=0)
    exp[f"f1/{avg}"] = skm.f1_score(y, pred, average=avg, zero_division=0)
cases.append({"name": "binary", "predictions": pred.tolist(), "references": y.tolist(), "scores": p1.tolist(), "expected": exp})

# Four classes, with probability rows; one class never predicted (zero division).
n, k = 300, 4
y = rng.integers(0, k, n)
logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
logits[:, 3] -= 3
probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
pred = probs.argmax(1)
exp = {
    "accuracy": skm.accuracy_score(y, pred),
    "log_loss": skm.log_loss(y, probs),
    "ece": ece(probs, y, list(range(k))),
    "confusion_matrix": skm.confusion_matrix(y, pred).tolist(),
}
for avg in ["macro", "micro", "weighted"]:
    exp[f"precision/{avg}"] = skm.precision_score(y, pred, average=avg, zero_division=0)
    exp[f"recall/{avg}"] = skm.recall_score(y, pred, average=avg, zero_division=0)
    exp[f"f1/{avg}"] = skm.f1_score(y, pred, average=avg, zero_division=0)
cases.append({"name": "multiclass", "predictions": pred.tolist(), "references": y.tolist(), "scores": probs.tolist(), "expected": exp})

# String labels.
labels = np.array(["ham", "spam", "spam", "ham", "ham", "spam", "ham", "ham"])
predicted = np.array(["ham", "spam", "ham", "ham", "spam", "spam", "ham", "spam"])
exp = {"accuracy": skm.accuracy_score(labels, predicted)}
for avg in ["macro", "micro", "weighted"]:
    exp[f"f1/{avg}"] = skm.f1_score(labels, predicted, average=avg, zero_division=0)
exp["f1/binary"] = skm.f1_score(labels, predicted, average="binary", pos_label="spam")
cases.append({"name": "strings", "predictions": predicted.tolist(), "references": labels.tolist(), "pos_label": "spam", "expected": exp})

# BLEU core without smoothing, pre-tokenised (NLTK corpus_bleu).
words = "the a whale ship sea captain white harpoon boat deck rope man".split()
hyps, refs = [], []
for _ in range(40):
    ref = list(rng.choice(words, rng.integers(6, 14)))
    hyp = [w if rng.random() < 0.8 else str(rng.choice(words)) for w in ref][: max(4, len(ref) - int(rng.integers(0, 3)))]
    ref2 = [w if rng.random() < 0.85 else str(rng.choice(words)) for w in ref]
    hyps.append(hyp)
    refs.append([ref, ref2])
bleu = corpus_bleu(refs, hyps)

# Cross-entropy with ignore_index, PyTorch.
t_logits = torch.tensor(rng.normal(size=(50, 7)) * 2, dtype=torch.float64)
t_targets = torch.tensor(rng.integers(0, 7, 50))
t_targets[::9] = -100
ce = torch.nn.functional.cross_entropy(t_logits, t_targets, ignore_index=-100).item()
keep = t_targets != -100
tok_acc = (t_logits.argmax(1)[keep] == t_targets[keep]).double().mean().item()

print(json.dumps({
    "source": f"make_fixtures.py with scikit-learn {sklearn.__version__}, NLTK {nltk.__version__}, PyTorch {torch.__version__}, NumPy {np.__version__} (Debian bookworm)",
    "classification": cases,
    "bleu_core": {"hypotheses": [" ".join(h) for h in hyps], "references": [[" ".join(r) for r in rs] for rs in refs], "expected_nltk_corpus_bleu": bleu},
    "lm": {"logits": t_logits.tolist(), "targets": t_targets.tolist(), "cross_entropy": ce, "token_accuracy": tok_acc},
}, indent=1))
