"""PyTorch reference for `deno task bench:speed`: the same GPT as lib/models/gpt.ts
(pre-LayerNorm blocks, GELU tanh, tied head), trained with AdamW on random tokens.
Prints one JSON line with ms/step and tokens/s.

  python3 torch_gpt_micro.py --threads 1|2|default --steps N [--preset micro|gpt2] [--batch B] [--time T]

--threads 1 also needs OPENBLAS_NUM_THREADS=1 in the environment (torch.set_num_threads
does not limit OpenBLAS); the caller sets it. Benchmark-only: codex never imports PyTorch.
Needs Debian's python3-torch, and libopenblas0-pthread for a fair reference (without it
Debian's torch multiplies with the reference BLAS, ~15x slower)."""
import argparse, json, math, time
import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {"micro": (83, 64, 4, 4, 128, 12, 64), "gpt2": (50257, 1024, 12, 12, 768, 1, 256)}
ap = argparse.ArgumentParser()
ap.add_argument("--threads", default="1")
ap.add_argument("--steps", type=int, default=30)
ap.add_argument("--warmup", type=int, default=5)
ap.add_argument("--preset", default="micro", choices=PRESETS)
ap.add_argument("--batch", type=int)
ap.add_argument("--time", type=int)
args = ap.parse_args()
if args.threads != "default":
    torch.set_num_threads(int(args.threads))
torch.manual_seed(0)
V, BLOCK, L, H, C, B, T = PRESETS[args.preset]
B, T = args.batch or B, args.time or T


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.c_attn, self.c_proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.c_fc, self.mlp_proj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def forward(self, x):
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
        att = att.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf")).softmax(-1)
        x = x + self.c_proj((att @ v).transpose(1, 2).reshape(B, T, C))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(BLOCK, C)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(C)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.h:
            x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, V), targets.view(-1))


def blas():
    """The BLAS library this process loaded (OpenBLAS or the slow reference one)."""
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line}
    if any("openblas" in l for l in libs):
        return "openblas"
    return "reference" if libs else "unknown"


model = Gpt()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
x, y = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))


def step():
    opt.zero_grad(set_to_none=True)
    loss = model(x, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


for _ in range(args.warmup):
    step()
t0 = time.perf_counter()
for _ in range(args.steps):
    step()
dt = (time.perf_counter() - t0) / args.steps
print(json.dumps({
    "threads": args.threads,
    "torch_threads": torch.get_num_threads(),
    "blas": blas(),
    "preset": args.preset,
    "batch": B,
    "time": T,
    "ms_per_step": dt * 1000,
    "tokens_per_sec": B * T / dt,
    "torch": torch.__version__,
}))
