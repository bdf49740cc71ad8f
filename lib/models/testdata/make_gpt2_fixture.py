"""Writes lib/models/testdata/tiny-gpt2/ (config.json + model.safetensors) and
tiny_gpt2_logits.json: a 2-layer GPT-2 built in PyTorch with Hugging Face's module
names and layouts (Conv1D weights [in, out], tied lm_head, gelu_new, LayerNorm eps
1e-5, the attn.bias causal-mask buffer saved as HF's older checkpoints do, keys with
the "transformer." prefix as GPT2LMHeadModel.save_pretrained writes them), with
seeded random weights, and its logits for fixed inputs. The safetensors bytes are
written here with the format's published layout (8-byte header length, JSON header,
little-endian data), since Debian has no safetensors package.
Run: /usr/bin/python3 lib/models/testdata/make_gpt2_fixture.py
"""
import json, math, os, struct
import torch
import torch.nn.functional as F

torch.manual_seed(7)
V, P, L, H, C = 37, 16, 2, 2, 24
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "tiny-gpt2")
os.makedirs(out, exist_ok=True)

sd = {}
def p(name, *shape, std=0.2):
    sd[name] = torch.randn(*shape) * std
p("transformer.wte.weight", V, C)
p("transformer.wpe.weight", P, C)
for i in range(L):
    h = f"transformer.h.{i}."
    sd[h + "ln_1.weight"] = 1 + 0.1 * torch.randn(C); p(h + "ln_1.bias", C, std=0.1)
    p(h + "attn.c_attn.weight", C, 3 * C); p(h + "attn.c_attn.bias", 3 * C, std=0.1)
    p(h + "attn.c_proj.weight", C, C); p(h + "attn.c_proj.bias", C, std=0.1)
    sd[h + "ln_2.weight"] = 1 + 0.1 * torch.randn(C); p(h + "ln_2.bias", C, std=0.1)
    p(h + "mlp.c_fc.weight", C, 4 * C); p(h + "mlp.c_fc.bias", 4 * C, std=0.1)
    p(h + "mlp.c_proj.weight", 4 * C, C); p(h + "mlp.c_proj.bias", C, std=0.1)
    sd[h + "attn.bias"] = torch.tril(torch.ones(P, P)).view(1, 1, P, P)  # HF's mask buffer
sd["transformer.ln_f.weight"] = 1 + 0.1 * torch.randn(C); p("transformer.ln_f.bias", C, std=0.1)


def forward(idx):
    B, T = idx.shape
    g = lambda n: sd["transformer." + n]
    x = g("wte.weight")[idx] + g("wpe.weight")[:T]
    for i in range(L):
        h = f"h.{i}."
        a = F.layer_norm(x, (C,), g(h + "ln_1.weight"), g(h + "ln_1.bias"), 1e-5)
        qkv = a @ g(h + "attn.c_attn.weight") + g(h + "attn.c_attn.bias")  # Conv1D: x @ W + b
        q, k, v = qkv.split(C, dim=2)
        q, k, v = (t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
        att = att.masked_fill(g(h + "attn.bias")[:, :, :T, :T] == 0, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + (y @ g(h + "attn.c_proj.weight") + g(h + "attn.c_proj.bias"))
        m = F.layer_norm(x, (C,), g(h + "ln_2.weight"), g(h + "ln_2.bias"), 1e-5)
        m = F.gelu(m @ g(h + "mlp.c_fc.weight") + g(h + "mlp.c_fc.bias"), approximate="tanh")  # gelu_new
        x = x + (m @ g(h + "mlp.c_proj.weight") + g(h + "mlp.c_proj.bias"))
    x = F.layer_norm(x, (C,), g("ln_f.weight"), g("ln_f.bias"), 1e-5)
    return x @ g("wte.weight").t()  # lm_head tied to wte


idx = torch.tensor([[1, 5, 9, 2, 36, 0, 7], [3, 3, 3, 1, 2, 4, 8]])
logits = forward(idx)

header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
for name, t in sd.items():
    b = t.contiguous().numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(os.path.join(out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
json.dump({
    "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": V, "n_positions": P, "n_ctx": P,
    "n_embd": C, "n_layer": L, "n_head": H, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new",
    "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
}, open(os.path.join(out, "config.json"), "w"), indent=2)
json.dump({
    "source": f"make_gpt2_fixture.py, PyTorch {torch.__version__}: HF GPT-2 layout, seed 7",
    "input_ids": idx.tolist(), "logits": logits.tolist(),
}, open(os.path.join(here, "tiny_gpt2_logits.json"), "w"))
print("wrote", out)
