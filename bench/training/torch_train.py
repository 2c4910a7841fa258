# PyTorch CPU peer of the training bench (`npm run bench -- --training`), run by
# bench/training/torch-peer.mjs as a child process speaking JSON lines on stdin/stdout.
# One thread, as the issue asks: torch.set_num_threads(1).
#   {"op": "setup", "cell", "B", "T", "D", "H", "dir"}  Keras-layout weights and x, y as raw
#       float32 files in dir; builds the layer and Adam, takes two train steps, answers
#       {"losses": [first, second]} (each step's loss before its update)
#   {"op": "time", "runs": n}  n more train steps, answers {"ms": [...]} (perf_counter per step)
#   {"op": "info"}  {"torch": version, "threads": n}
import json
import os
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass


def load(directory, name, shape):
    return torch.from_numpy(np.fromfile(os.path.join(directory, name + ".f32"), dtype=np.float32).reshape(shape).copy())


def keras_to_torch_blocks(matrix, cell, H):
    """Keras gate columns (LSTM i,f,c,o; GRU z,r,h) to torch gate rows (LSTM i,f,g,o; GRU r,z,n)."""
    if cell == "GRU":
        z, r, h = matrix[..., :H], matrix[..., H:2 * H], matrix[..., 2 * H:]
        matrix = torch.cat([r, z, h], dim=-1)
    return matrix


class Peer:
    def setup(self, msg):
        cell, B, T, D, H, directory = msg["cell"], msg["B"], msg["T"], msg["D"], msg["H"], msg["dir"]
        G = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[cell]
        kind = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "SimpleRNN": torch.nn.RNN}[cell]
        self.rnn = kind(input_size=D, hidden_size=H, batch_first=True)
        kernel = load(directory, "kernel", (D, G * H))
        recurrent = load(directory, "recurrent", (H, G * H))
        bias = load(directory, "bias", (2, G * H) if cell == "GRU" else (G * H,))
        with torch.no_grad():
            self.rnn.weight_ih_l0.copy_(keras_to_torch_blocks(kernel, cell, H).T)
            self.rnn.weight_hh_l0.copy_(keras_to_torch_blocks(recurrent, cell, H).T)
            if cell == "GRU":
                # Keras' reset_after GRU is torch's GRU: row 0 the input bias, row 1 the recurrent bias.
                self.rnn.bias_ih_l0.copy_(keras_to_torch_blocks(bias[0], cell, H))
                self.rnn.bias_hh_l0.copy_(keras_to_torch_blocks(bias[1], cell, H))
            else:
                self.rnn.bias_ih_l0.copy_(bias)
                self.rnn.bias_hh_l0.zero_()
                # Keras' LSTM and SimpleRNN have one bias: torch's second stays zero, untrained.
                self.rnn.bias_hh_l0.requires_grad_(False)
        self.x = load(directory, "x", (B, T, D))
        self.y = load(directory, "y", (B, H))
        # Keras' Adam defaults; the bench passes the epsilon (see PEER_EPSILON in bench.mjs).
        self.optimizer = torch.optim.Adam([p for p in self.rnn.parameters() if p.requires_grad], lr=0.001, betas=(0.9, 0.999), eps=msg.get("eps", 1e-7))
        self.loss = torch.nn.MSELoss()
        return {"losses": [self.step(), self.step()]}

    def step(self):
        self.optimizer.zero_grad(set_to_none=True)
        out, _ = self.rnn(self.x)
        loss = self.loss(out[:, -1, :], self.y)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def time(self, msg):
        ms = []
        for _ in range(msg["runs"]):
            start = time.perf_counter()
            self.step()
            ms.append((time.perf_counter() - start) * 1000)
        return {"ms": ms}


def main():
    peer = Peer()
    for line in sys.stdin:
        msg = json.loads(line)
        try:
            if msg["op"] == "setup":
                reply = peer.setup(msg)
            elif msg["op"] == "time":
                reply = peer.time(msg)
            else:
                reply = {"torch": torch.__version__, "threads": torch.get_num_threads()}
        except Exception as error:  # the bench records the failure and goes on
            reply = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


main()
