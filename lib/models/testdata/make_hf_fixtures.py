"""Writes the Hugging Face interop fixtures of lib/models/pretrained_test.ts.

Tiny GPT-2 and BERT models are built here in PyTorch as modules that mirror
Hugging Face transformers' own classes (GPT2LMHeadModel, GPT2Model, GPT2Block,
GPT2Attention with Conv1D [in, out] weights, GPT2MLP with gelu_new, LayerNorm
eps 1e-5; BertForSequenceClassification, BertModel, BertEmbeddings,
BertSelfAttention, BertSelfOutput, BertIntermediate with the erf GELU,
BertOutput, BertPooler, Linear [out, in] weights, LayerNorm eps 1e-12), so the
tensor names come out of state_dict() exactly as transformers writes them. The
weights are seeded random numbers (larger than the usual init, so every
tensor matters); each folder gets config.json + model.safetensors, and
hf_fixtures.json gets the inputs and PyTorch's outputs. Debian has no
safetensors package, so the safetensors bytes are written here from the
format's published layout (u64 little-endian header length, JSON header,
little-endian data).

  tiny-gpt2/      GPT2LMHeadModel's full state_dict (the "transformer." prefix and
                  the tied lm_head.weight, as torch.save writes it), F32
  tiny-gpt2-hub/  the Hub's gpt2 layout: bare GPT2Model keys, the persistent
                  attn.bias / attn.masked_bias buffers, F16 weights
  tiny-bert/      BertForSequenceClassification (3 labels): "bert." prefix, the
                  int64 embeddings.position_ids buffer, F32
  tiny-minilm/    all-MiniLM-L6-v2's layout: a bare BertModel with its pooler and
                  position_ids, BF16 weights

The F16 and BF16 models compute their outputs from the rounded weights.
Run: /usr/bin/python3 lib/models/testdata/make_hf_fixtures.py (Debian's python3-torch and python3-numpy)
"""
import json
import math
import os
import struct

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- GPT-2, after transformers/models/gpt2/modeling_gpt2.py -------------------------------------------------

class Conv1D(nn.Module):
    """transformers.pytorch_utils.Conv1D: a Linear whose weight is [in, out]."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class NewGELUActivation(nn.Module):
    """ACT2FN["gelu_new"]: the tanh approximation."""

    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class GPT2Attention(nn.Module):
    def __init__(self, cfg, persistent_buffers):
        super().__init__()
        P = cfg["n_positions"]
        causal = torch.tril(torch.ones((P, P))).view(1, 1, P, P)
        self.register_buffer("bias", causal, persistent=persistent_buffers)
        self.register_buffer("masked_bias", torch.tensor(-1e4), persistent=persistent_buffers)
        self.embed_dim = cfg["n_embd"]
        self.num_heads = cfg["n_head"]
        self.head_dim = self.embed_dim // self.num_heads
        self.c_attn = Conv1D(3 * self.embed_dim, self.embed_dim)
        self.c_proj = Conv1D(self.embed_dim, self.embed_dim)

    def _split_heads(self, t):
        return t.view(t.size()[:-1] + (self.num_heads, self.head_dim)).permute(0, 2, 1, 3)

    def forward(self, h):
        q, k, v = (self._split_heads(t) for t in self.c_attn(h).split(self.embed_dim, dim=2))
        w = torch.matmul(q, k.transpose(-1, -2)) / (v.size(-1) ** 0.5)
        T = q.size(-2)
        causal = self.bias[:, :, :T, :T].bool()
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype)).softmax(dim=-1)
        out = torch.matmul(w, v).permute(0, 2, 1, 3).contiguous()
        return self.c_proj(out.view(out.size()[:-2] + (self.embed_dim,)))


class GPT2MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.c_fc = Conv1D(4 * cfg["n_embd"], cfg["n_embd"])
        self.c_proj = Conv1D(cfg["n_embd"], 4 * cfg["n_embd"])
        self.act = NewGELUActivation()

    def forward(self, h):
        return self.c_proj(self.act(self.c_fc(h)))


class GPT2Block(nn.Module):
    def __init__(self, cfg, persistent_buffers):
        super().__init__()
        C, eps = cfg["n_embd"], cfg["layer_norm_epsilon"]
        self.ln_1 = nn.LayerNorm(C, eps=eps)
        self.attn = GPT2Attention(cfg, persistent_buffers)
        self.ln_2 = nn.LayerNorm(C, eps=eps)
        self.mlp = GPT2MLP(cfg)

    def forward(self, h):
        h = h + self.attn(self.ln_1(h))
        return h + self.mlp(self.ln_2(h))


class GPT2Model(nn.Module):
    def __init__(self, cfg, persistent_buffers=False):
        super().__init__()
        self.wte = nn.Embedding(cfg["vocab_size"], cfg["n_embd"])
        self.wpe = nn.Embedding(cfg["n_positions"], cfg["n_embd"])
        self.h = nn.ModuleList([GPT2Block(cfg, persistent_buffers) for _ in range(cfg["n_layer"])])
        self.ln_f = nn.LayerNorm(cfg["n_embd"], eps=cfg["layer_norm_epsilon"])

    def forward(self, ids):
        h = self.wte(ids) + self.wpe(torch.arange(ids.size(1)).unsqueeze(0))
        for block in self.h:
            h = block(h)
        return self.ln_f(h)


class GPT2LMHeadModel(nn.Module):
    def __init__(self, cfg, persistent_buffers=False):
        super().__init__()
        self.transformer = GPT2Model(cfg, persistent_buffers)
        self.lm_head = nn.Linear(cfg["n_embd"], cfg["vocab_size"], bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tie_word_embeddings

    def forward(self, ids):
        return self.lm_head(self.transformer(ids))


# ---- BERT, after transformers/models/bert/modeling_bert.py --------------------------------------------------

class BertEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        H = cfg["hidden_size"]
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], H, padding_idx=cfg["pad_token_id"])
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], H)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], H)
        self.LayerNorm = nn.LayerNorm(H, eps=cfg["layer_norm_eps"])
        # Persistent in the transformers releases that wrote all-MiniLM-L6-v2.
        self.register_buffer("position_ids", torch.arange(cfg["max_position_embeddings"]).expand((1, -1)))

    def forward(self, ids):
        T = ids.size(1)
        types = torch.zeros_like(ids)
        x = self.word_embeddings(ids) + self.token_type_embeddings(types)
        x = x + self.position_embeddings(self.position_ids[:, :T])
        return self.LayerNorm(x)


class BertSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        H = cfg["hidden_size"]
        self.num_attention_heads = cfg["num_attention_heads"]
        self.attention_head_size = H // self.num_attention_heads
        self.query = nn.Linear(H, H)
        self.key = nn.Linear(H, H)
        self.value = nn.Linear(H, H)

    def transpose_for_scores(self, x):
        return x.view(x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)).permute(0, 2, 1, 3)

    def forward(self, h, extended_mask):
        q = self.transpose_for_scores(self.query(h))
        k = self.transpose_for_scores(self.key(h))
        v = self.transpose_for_scores(self.value(h))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.attention_head_size) + extended_mask
        ctx = torch.matmul(scores.softmax(dim=-1), v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.size()[:-2] + (q.size(1) * self.attention_head_size,))


class BertSelfOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class BertAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.self = BertSelfAttention(cfg)
        self.output = BertSelfOutput(cfg)

    def forward(self, h, extended_mask):
        return self.output(self.self(h, extended_mask), h)


class BertIntermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"])
        self.intermediate_act_fn = nn.GELU()  # ACT2FN["gelu"]: the exact erf form

    def forward(self, h):
        return self.intermediate_act_fn(self.dense(h))


class BertOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["intermediate_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class BertLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = BertAttention(cfg)
        self.intermediate = BertIntermediate(cfg)
        self.output = BertOutput(cfg)

    def forward(self, h, extended_mask):
        a = self.attention(h, extended_mask)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(cfg) for _ in range(cfg["num_hidden_layers"])])

    def forward(self, h, extended_mask):
        for layer in self.layer:
            h = layer(h, extended_mask)
        return h


class BertPooler(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.activation = nn.Tanh()

    def forward(self, h):
        return self.activation(self.dense(h[:, 0]))


class BertModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = BertEmbeddings(cfg)
        self.encoder = BertEncoder(cfg)
        self.pooler = BertPooler(cfg)

    def forward(self, ids, mask):
        extended = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        hidden = self.encoder(self.embeddings(ids), extended)
        return hidden, self.pooler(hidden)


class BertForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.classifier = nn.Linear(cfg["hidden_size"], len(cfg["id2label"]))

    def forward(self, ids, mask):
        return self.classifier(self.bert(ids, mask)[1])


# ---- weights, files --------------------------------------------------------------------------------------

def randomize(model, seed, dtype):
    """Seeded N(0, 0.2) weights, N(0, 0.1) biases, LayerNorm gains 1 + N(0, 0.1), rounded to dtype."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            for name, p in module.named_parameters(recurse=False):
                r = torch.randn(p.shape, generator=g)
                if isinstance(module, nn.LayerNorm) and name == "weight":
                    p.copy_(1 + 0.1 * r)
                else:
                    p.copy_((0.1 if name == "bias" else 0.2) * r)
                p.copy_(p.to(dtype).float())


def tensor_bytes(t, dtype):
    if t.dtype == torch.int64:
        return "I64", t.contiguous().numpy().astype("<i8").tobytes()
    if dtype == torch.float16:
        return "F16", t.contiguous().numpy().astype("<f2").tobytes()
    if dtype == torch.bfloat16:
        # The values are already bfloat16-exact, so the top 16 bits of each float32 are the bfloat16.
        return "BF16", (t.contiguous().numpy().astype("<f4").view("<u4") >> 16).astype("<u2").tobytes()
    return "F32", t.contiguous().numpy().astype("<f4").tobytes()


def write_folder(name, state, config, dtype):
    out = os.path.join(HERE, name)
    os.makedirs(out, exist_ok=True)
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for key, t in state.items():
        dt, b = tensor_bytes(t, dtype)
        header[key] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


def rounded(xs):
    return np.round(xs.detach().numpy().astype(np.float64), 7).tolist()


GPT2 = {
    "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1, "bos_token_id": 36,
    "embd_pdrop": 0.1, "eos_token_id": 36, "initializer_range": 0.02, "layer_norm_epsilon": 1e-05,
    "model_type": "gpt2", "n_ctx": 16, "n_embd": 24, "n_head": 2, "n_layer": 2, "n_positions": 16,
    "resid_pdrop": 0.1, "vocab_size": 37,
}
BERT = {
    "architectures": ["BertModel"], "attention_probs_dropout_prob": 0.1, "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1, "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64,
    "layer_norm_eps": 1e-12, "max_position_embeddings": 16, "model_type": "bert", "num_attention_heads": 4,
    "num_hidden_layers": 2, "pad_token_id": 0, "position_embedding_type": "absolute", "type_vocab_size": 2,
    "vocab_size": 50,
}


def main():
    torch.set_grad_enabled(False)
    fixtures = {"source": f"lib/models/testdata/make_hf_fixtures.py with PyTorch {torch.__version__}: tiny models "
                          "in Hugging Face transformers' module layout, seeded random weights; outputs rounded "
                          "to 7 decimals"}

    gpt_ids = torch.tensor([[1, 5, 9, 2, 36, 0, 7], [3, 3, 3, 1, 2, 4, 8]])
    lm = GPT2LMHeadModel(GPT2)
    randomize(lm, 7, torch.float32)
    write_folder("tiny-gpt2", lm.state_dict(), GPT2, torch.float32)
    fixtures["tiny-gpt2"] = {"input_ids": gpt_ids.tolist(), "logits": rounded(lm(gpt_ids))}

    hub = GPT2Model(GPT2, persistent_buffers=True)
    randomize(hub, 8, torch.float16)
    write_folder("tiny-gpt2-hub", hub.state_dict(), GPT2, torch.float16)
    logits = hub(gpt_ids) @ hub.wte.weight.t()  # GPT2LMHeadModel's tied head over these weights
    fixtures["tiny-gpt2-hub"] = {"input_ids": gpt_ids.tolist(), "logits": rounded(logits)}

    bert_ids = torch.tensor([[2, 7, 9, 31, 4, 0, 0, 0], [2, 11, 12, 13, 14, 15, 16, 3]])
    bert_mask = torch.tensor([[1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]])
    cls_cfg = {**BERT, "architectures": ["BertForSequenceClassification"],
               "id2label": {str(i): f"LABEL_{i}" for i in range(3)}, "label2id": {f"LABEL_{i}": i for i in range(3)}}
    cls = BertForSequenceClassification(cls_cfg)
    randomize(cls, 11, torch.float32)
    write_folder("tiny-bert", cls.state_dict(), cls_cfg, torch.float32)
    fixtures["tiny-bert"] = {"input_ids": bert_ids.tolist(), "attention_mask": bert_mask.tolist(),
                             "logits": rounded(cls(bert_ids, bert_mask))}

    enc = BertModel(BERT)
    randomize(enc, 12, torch.bfloat16)
    write_folder("tiny-minilm", enc.state_dict(), BERT, torch.bfloat16)
    hidden, pooled = enc(bert_ids, bert_mask)
    fixtures["tiny-minilm"] = {"input_ids": bert_ids.tolist(), "attention_mask": bert_mask.tolist(),
                               "last_hidden_state": rounded(hidden), "pooler_output": rounded(pooled)}

    with open(os.path.join(HERE, "hf_fixtures.json"), "w") as f:
        json.dump(fixtures, f, indent=2)
        f.write("\n")
    print("wrote", ", ".join(k for k in fixtures if k != "source"), "and hf_fixtures.json")


if __name__ == "__main__":
    main()
