"""Generates metrics_fixtures.json: inputs and expected values computed by the
reference implementations on this machine (Debian bookworm packages):

- classification: scikit-learn (python3-sklearn);
- ECE: a NumPy transcription of Guo et al. 2017 eq. 3 (no library here has it);
- cross-entropy, perplexity, token accuracy: PyTorch (python3-torch);
- BLEU: NLTK's corpus_bleu (python3-nltk) with SmoothingFunction().method3, which is
  mteval's (and sacreBLEU's default "exp") smoothing, on sentences tokenised by a
  transcription of sacreBLEU 2's Tokenizer13a/TokenizerRegexp (sacreBLEU is not in Debian);
- exact match and token F1: a transcription of the SQuAD v2.0 evaluation script
  (evaluate-v2.0.py: normalize_answer, get_tokens, compute_exact, compute_f1);
- ROUGE-L: a transcription of Google's rouge-score (tokenize.tokenize without stemming,
  rouge_scorer._score_lcs), the best reference's F-measure;
- distinct-n: Li et al. 2016's definition over whitespace tokens;
- bootstrap: SciPy's stats.bootstrap (python3-scipy), with its bootstrap distribution.

chrF and the published sacreBLEU/ROUGE-1.5.5 values are in published_values.json.
Run: /usr/bin/python3 lib/eval/testdata/make_fixtures.py > lib/eval/testdata/metrics_fixtures.json
     deno fmt lib/eval/testdata/metrics_fixtures.json
"""
import collections
import json
import re
import string

import nltk
import numpy as np
import scipy
import sklearn
import torch
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu
from scipy import stats
from sklearn import metrics as skm

rng = np.random.default_rng(20261124)


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


def prf(exp, y, pred, averages, **kw):
    for avg in averages:
        exp[f"precision/{avg}"] = skm.precision_score(y, pred, average=avg, zero_division=0, **kw)
        exp[f"recall/{avg}"] = skm.recall_score(y, pred, average=avg, zero_division=0, **kw)
        exp[f"f1/{avg}"] = skm.f1_score(y, pred, average=avg, zero_division=0, **kw)


cases = []
# Binary, with scores (P(positive)), ten of them tied at 0.5.
n = 200
y = rng.integers(0, 2, n)
p1 = np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1)
p1[:10] = 0.5
pred = (p1 >= 0.5).astype(int)
exp = {
    "accuracy": skm.accuracy_score(y, pred),
    "roc_auc": skm.roc_auc_score(y, p1),
    "log_loss": skm.log_loss(y, p1),
    "ece": ece(np.stack([1 - p1, p1], 1), y, [0, 1]),
    "confusion_matrix": skm.confusion_matrix(y, pred).tolist(),
}
prf(exp, y, pred, ["binary", "macro", "micro", "weighted"])
cases.append({"name": "binary", "predictions": pred.tolist(), "references": y.tolist(), "scores": p1.tolist(), "expected": exp})
# The same as two-column probability rows: ROC AUC takes the positive column.
rows = np.stack([1 - p1, p1], 1)
cases.append({"name": "binary rows", "predictions": pred.tolist(), "references": y.tolist(), "scores": rows.tolist(),
              "expected": {"roc_auc": skm.roc_auc_score(y, p1), "log_loss": skm.log_loss(y, rows), "ece": ece(rows, y, [0, 1])}})

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
    "roc_auc/macro": skm.roc_auc_score(y, probs, multi_class="ovr", average="macro"),
    "roc_auc/weighted": skm.roc_auc_score(y, probs, multi_class="ovr", average="weighted"),
}
prf(exp, y, pred, ["macro", "micro", "weighted"])
cases.append({"name": "multiclass", "predictions": pred.tolist(), "references": y.tolist(), "scores": probs.tolist(), "expected": exp})

# String labels, and a prediction label that never occurs in the references.
labels = np.array(["ham", "spam", "spam", "ham", "ham", "spam", "ham", "ham", "spam", "ham"])
predicted = np.array(["ham", "spam", "ham", "ham", "spam", "spam", "ham", "spam", "spam", "eggs"])
exp = {"accuracy": skm.accuracy_score(labels, predicted), "confusion_matrix": skm.confusion_matrix(labels, predicted).tolist()}
prf(exp, labels, predicted, ["macro", "micro", "weighted"])
cases.append({"name": "strings", "predictions": predicted.tolist(), "references": labels.tolist(), "expected": exp})
two = predicted.copy()
two[two == "eggs"] = "ham"
exp = {}
prf(exp, labels, two, ["binary"], pos_label="spam")
cases.append({"name": "strings binary", "predictions": two.tolist(), "references": labels.tolist(), "pos_label": "spam", "expected": exp})


# sacreBLEU 2's 13a tokeniser, transcribed from sacrebleu/tokenizers/tokenizer_13a.py and tokenizer_re.py.
RE_13A = [
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
]


def tokenize_13a(line):
    line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    line = line.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    line = " {} ".format(line)
    for r, repl in RE_13A:
        line = r.sub(repl, line)
    return " ".join(line.strip().split()).split()


def bleu_case(hyps, refs):
    # sacreBLEU: rstrip, then the tokeniser; NLTK's corpus_bleu takes references first.
    toks_h = [tokenize_13a(h.rstrip()) for h in hyps]
    toks_r = [[tokenize_13a(r.rstrip()) for r in rs] for rs in refs]
    assert all(len(h) >= 4 for h in toks_h), "NLTK counts n-grams of short hypotheses differently"
    return {
        "hypotheses": hyps,
        "references": refs,
        "tokens": [" ".join(t) for t in toks_h],
        "expected_bleu": 100 * corpus_bleu(toks_r, toks_h, smoothing_function=SmoothingFunction().method3),
    }


words = ["the", "a", "whale", "ship", "sea", "captain", "white", "harpoon", "boat", "deck", "rope", "man", "Ahab's",
         "3.5", "1,000", "-", ",", ".", "!", "(", ")", '"', "&amp;", "x-ray", "£5", "9-5", "naïve", "œuvre"]


def sentence(length):
    out = ""
    for w in rng.choice(words, length):
        out += ("" if rng.random() < 0.2 else " ") + str(w)
    return out.strip()


def perturb(s, p):
    toks = s.split(" ")
    return " ".join(t if rng.random() < p else str(rng.choice(words)) for t in toks)


hyps, refs = [], []
for i in range(40):
    ref = sentence(int(rng.integers(6, 16)))
    hyp = perturb(ref, 0.75)
    if i % 7 == 0:
        hyp += "-\n"  # removed by 13a only after sacreBLEU's rstrip
    hyps.append(hyp)
    refs.append([ref, perturb(ref, 0.85)] if i % 3 else [ref])
bleu = [bleu_case(hyps, refs)]
# No 3- or 4-gram matches anywhere: exp smoothing divides by 2 and 4.
bleu.append(bleu_case(["whale ship sea captain boat", "rope deck man sea whale"],
                      [["ship whale captain sea boat"], ["deck rope sea man whale"]]))


# SQuAD v2.0 evaluate-v2.0.py, transcribed.
def normalize_answer(s):
    def remove_articles(text):
        regex = re.compile(r"\b(a|an|the)\b", re.UNICODE)
        return re.sub(regex, " ", text)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return "".join(ch for ch in text if ch not in exclude)

    return white_space_fix(remove_articles(remove_punc(s.lower())))


def get_tokens(s):
    if not s:
        return []
    return normalize_answer(s).split()


def compute_exact(a_gold, a_pred):
    return int(normalize_answer(a_gold) == normalize_answer(a_pred))


def compute_f1(a_gold, a_pred):
    gold_toks = get_tokens(a_gold)
    pred_toks = get_tokens(a_pred)
    common = collections.Counter(gold_toks) & collections.Counter(pred_toks)
    num_same = sum(common.values())
    if len(gold_toks) == 0 or len(pred_toks) == 0:
        return int(gold_toks == pred_toks)
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(pred_toks)
    recall = 1.0 * num_same / len(gold_toks)
    return (2 * precision * recall) / (precision + recall)


squad_words = ["The", "white", "whale", "an", "a", "Pequod", "théa", "the_end", "Ahab!", "captain,", "THE", "sea-going",
               "Ishmael", "a.", "anthem", "(the)", "1851", "Moby-Dick", "à", "the", "ship's"]
squad_preds, squad_refs = ["", "the", "The Pequod", "théa white whale"], [[""], ["a"], ["Pequod", "the ship"], ["white whale"]]
for _ in range(60):
    gold = " ".join(rng.choice(squad_words, int(rng.integers(1, 6))))
    pred = " ".join(w if rng.random() < 0.6 else str(rng.choice(squad_words)) for w in gold.split(" "))
    squad_preds.append(pred)
    squad_refs.append([gold] if rng.random() < 0.5 else [gold, " ".join(rng.choice(squad_words, 3))])
squad = {
    "predictions": squad_preds,
    "references": squad_refs,
    "exact_match": [max(compute_exact(g, p) for g in gs) for p, gs in zip(squad_preds, squad_refs)],
    "token_f1": [max(compute_f1(g, p) for g in gs) for p, gs in zip(squad_preds, squad_refs)],
}


# rouge-score's tokenize (no stemmer) and _score_lcs, transcribed.
def rouge_tokenize(text):
    text = text.lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    tokens = re.split(r"\s+", text)
    return [x for x in tokens if re.match(r"^[a-z0-9]+$", x)]


def rouge_l(target, prediction):
    t, p = rouge_tokenize(target), rouge_tokenize(prediction)
    if not t or not p:
        return 0.0
    table = [[0] * (len(p) + 1) for _ in range(len(t) + 1)]
    for i in range(1, len(t) + 1):
        for j in range(1, len(p) + 1):
            table[i][j] = table[i - 1][j - 1] + 1 if t[i - 1] == p[j - 1] else max(table[i - 1][j], table[i][j - 1])
    lcs = table[-1][-1]
    precision, recall = lcs / len(p), lcs / len(t)
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


rouge_preds = [hyps[i].replace("-\n", "") for i in range(30)] + ["", "Ahab's WHALE!"]
rouge_refs = [refs[i] for i in range(30)] + [["the whale"], ["ahab s whale", "whale"]]
rouge = {
    "predictions": rouge_preds,
    "references": rouge_refs,
    "rouge_l": [max(rouge_l(r, p) for r in rs) for p, rs in zip(rouge_preds, rouge_refs)],
}


def distinct(texts, n):
    grams = [tuple(t.split()[i:i + n]) for t in texts for i in range(len(t.split()) - n + 1)]
    return len(set(grams)) / len(grams)


distinct_texts = [perturb(sentence(12), 0.5) for _ in range(20)]
distinct_case = {"predictions": distinct_texts, "distinct_1": distinct(distinct_texts, 1),
                 "distinct_2": distinct(distinct_texts, 2)}

# Cross-entropy with ignore_index, PyTorch.
t_logits = torch.tensor(rng.normal(size=(50, 7)) * 2, dtype=torch.float64)
t_targets = torch.tensor(rng.integers(0, 7, 50))
t_targets[::9] = -100
ce = torch.nn.functional.cross_entropy(t_logits, t_targets, ignore_index=-100).item()
keep = t_targets != -100
tok_acc = (t_logits.argmax(1)[keep] == t_targets[keep]).double().mean().item()


# SciPy's bootstrap: the interval from its own bootstrap distribution, on the mean of skewed data and of 0/1 data
# (ties at the value), and a 200,000-resample interval to compare whole runs against.
def scipy_boot(data, method, resamples, seed, keep_distribution):
    res = stats.bootstrap((np.asarray(data, dtype=float),), np.mean, n_resamples=resamples, confidence_level=0.95,
                          method=method, random_state=np.random.default_rng(seed))
    out = {"method": method.lower(), "resamples": resamples, "low": res.confidence_interval.low,
           "high": res.confidence_interval.high}
    if keep_distribution:
        out["distribution"] = res.bootstrap_distribution.tolist()
    return out


skewed = (rng.exponential(size=40) ** 2).tolist()
bits = (rng.random(60) < 0.7).astype(float).tolist()
boot = {
    "skewed": {"data": skewed, "runs": [scipy_boot(skewed, m, 1000, 1, True) for m in ["percentile", "BCa"]] +
               [scipy_boot(skewed, m, 200_000, 2, False) for m in ["percentile", "BCa"]]},
    "bits": {"data": bits, "runs": [scipy_boot(bits, m, 1000, 3, True) for m in ["percentile", "BCa"]] +
             [scipy_boot(bits, m, 200_000, 4, False) for m in ["percentile", "BCa"]]},
}

print(json.dumps({
    "source": f"make_fixtures.py with scikit-learn {sklearn.__version__}, NLTK {nltk.__version__}, PyTorch "
              f"{torch.__version__}, SciPy {scipy.__version__}, NumPy {np.__version__} (Debian bookworm); see its docstring "
              "for what each group was computed with",
    "classification": cases,
    "bleu": bleu,
    "squad": squad,
    "rouge": rouge,
    "distinct": distinct_case,
    "lm": {"logits": t_logits.tolist(), "targets": t_targets.tolist(), "cross_entropy": ce, "token_accuracy": tok_acc},
    "bootstrap": boot,
}, indent=1, ensure_ascii=False))
