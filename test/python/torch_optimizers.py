"""torch.optim's Adamax and Adadelta on the steps given on stdin (JSON), printing the weights after
each step: an independent check of test/reference/optimizers.ts where torch's rule is Keras'
(Adadelta exactly; Adamax with epsilon 0, since torch adds epsilon inside the max). Run by
test/python/check-optimizers-torch.mjs; needs torch, which the project does not install."""
import json
import sys

import torch

torch.set_default_dtype(torch.float64)
cases = json.load(sys.stdin)
out = []
for case in cases:
    weights = [torch.tensor(w, requires_grad=True) for w in case["weights"]]
    c = case["config"]
    if c["name"] == "adamax":
        opt = torch.optim.Adamax(weights, lr=c["learningRate"], betas=(c["beta1"], c["beta2"]), eps=0.0)
    else:
        opt = torch.optim.Adadelta(weights, lr=c["learningRate"], rho=c["rho"], eps=c["epsilon"])
    steps = []
    for grads in case["gradients"]:
        opt.zero_grad()
        for w, g in zip(weights, grads):
            w.grad = torch.tensor(g)
        opt.step()
        steps.append([w.detach().tolist() for w in weights])
    out.append(steps)
json.dump(out, sys.stdout)
