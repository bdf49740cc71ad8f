"""Writes lib/models/testdata/tiny-bert/ (config.json + model.safetensors) and
tiny_bert_logits.json: a 2-layer BERT for sequence classification built in
PyTorch with Hugging Face's module names and layouts (Linear weights [out, in],
post-LayerNorm with eps 1e-12, erf GELU, tanh pooler on the first token, keys
with the "bert." prefix and the int64 embeddings.position_ids buffer, as
BertForSequenceClassification.save_pretrained writes them), seeded random
weights, and its logits for a padded batch. The safetensors bytes are written
here with the format's published layout, since Debian has no safetensors package.
Run: /usr/bin/python3 lib/models/testdata/make_bert_fixture.py
"""
import json, math, os, struct
import torch
import torch.nn.functional as F

torch.manual_seed(11)
V, P, L, H, NH, I, K = 50, 16, 2, 32, 4, 64, 3
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "tiny-bert")
os.makedirs(out, exist_ok=True)
sd = {}
def w(name, *shape, std=0.2): sd[name] = torch.randn(*shape) * std
def ln(prefix): sd[prefix + ".weight"] = 1 + 0.1 * torch.randn(H); sd[prefix + ".bias"] = 0.1 * torch.randn(H)
w("bert.embeddings.word_embeddings.weight", V, H)
w("bert.embeddings.position_embeddings.weight", P, H)
w("bert.embeddings.token_type_embeddings.weight", 2, H)
ln("bert.embeddings.LayerNorm")
sd["bert.embeddings.position_ids"] = torch.arange(P).view(1, P)
for i in range(L):
    p = f"bert.encoder.layer.{i}."
    for n in ["query", "key", "value"]:
        w(p + f"attention.self.{n}.weight", H, H); w(p + f"attention.self.{n}.bias", H, std=0.1)
    w(p + "attention.output.dense.weight", H, H); w(p + "attention.output.dense.bias", H, std=0.1)
    ln(p + "attention.output.LayerNorm")
    w(p + "intermediate.dense.weight", I, H); w(p + "intermediate.dense.bias", I, std=0.1)
    w(p + "output.dense.weight", H, I); w(p + "output.dense.bias", H, std=0.1)
    ln(p + "output.LayerNorm")
w("bert.pooler.dense.weight", H, H); w("bert.pooler.dense.bias", H, std=0.1)
w("classifier.weight", K, H); w("classifier.bias", K, std=0.1)

def lin(x, p): return F.linear(x, sd[p + ".weight"], sd[p + ".bias"])
def lnorm(x, p): return F.layer_norm(x, (H,), sd[p + ".weight"], sd[p + ".bias"], 1e-12)

def forward(ids, mask):
    B, T = ids.shape
    x = sd["bert.embeddings.word_embeddings.weight"][ids] + sd["bert.embeddings.position_embeddings.weight"][:T] \
        + sd["bert.embeddings.token_type_embeddings.weight"][0]
    x = lnorm(x, "bert.embeddings.LayerNorm")
    ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    for i in range(L):
        p = f"bert.encoder.layer.{i}."
        sh = lambda t: t.view(B, T, NH, H // NH).transpose(1, 2)
        q, k, v = (sh(lin(x, p + f"attention.self.{n}")) for n in ["query", "key", "value"])
        att = ((q @ k.transpose(-1, -2)) / math.sqrt(H // NH) + ext).softmax(-1)
        ctx = (att @ v).transpose(1, 2).reshape(B, T, H)
        x = lnorm(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        inter = F.gelu(lin(x, p + "intermediate.dense"))  # erf GELU ("gelu")
        x = lnorm(lin(inter, p + "output.dense") + x, p + "output.LayerNorm")
    pooled = torch.tanh(lin(x[:, 0], "bert.pooler.dense"))
    return lin(pooled, "classifier")

ids = torch.tensor([[2, 7, 9, 31, 4, 0, 0, 0], [2, 11, 12, 13, 14, 15, 16, 3]])
mask = torch.tensor([[1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]])
logits = forward(ids, mask)

header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
for name, t in sd.items():
    if t.dtype == torch.int64:
        b, dt = t.contiguous().numpy().astype("<i8").tobytes(), "I64"
    else:
        b, dt = t.contiguous().numpy().astype("<f4").tobytes(), "F32"
    header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b); off += len(b)
h = json.dumps(header).encode(); h += b" " * ((8 - len(h) % 8) % 8)
with open(os.path.join(out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
json.dump({
    "architectures": ["BertForSequenceClassification"], "model_type": "bert", "vocab_size": V, "hidden_size": H,
    "num_hidden_layers": L, "num_attention_heads": NH, "intermediate_size": I, "max_position_embeddings": P,
    "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu", "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0, "id2label": {str(k): f"LABEL_{k}" for k in range(K)},
}, open(os.path.join(out, "config.json"), "w"), indent=2)
json.dump({"source": f"make_bert_fixture.py, PyTorch {torch.__version__}: HF BERT layout, seed 11",
           "input_ids": ids.tolist(), "attention_mask": mask.tolist(), "logits": logits.tolist()},
          open(os.path.join(here, "tiny_bert_logits.json"), "w"))
print("wrote", out)
