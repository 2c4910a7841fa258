# Prints HDF5 files (a JSON list, one entry per path argument), as h5py (libhdf5) reads it: every group and dataset by
# path, each dataset's dtype, shape and values, each attribute's storage (variable- or
# fixed-length string, its character set) and value. Used to check files this package writes.
import json
import sys

import h5py
import numpy as np


def attribute(obj, name):
    aid = obj.attrs.get_id(name)
    tid = aid.get_type()
    value = obj.attrs[name]
    entry = {"shape": list(aid.shape)}
    if isinstance(tid, h5py.h5t.TypeStringID):
        entry["kind"] = "vlen" if tid.is_variable_str() else "fixed"
        entry["cset"] = "utf8" if tid.get_cset() == h5py.h5t.CSET_UTF8 else "ascii"
        items = np.asarray(value, dtype=object).reshape(-1).tolist()
        entry["value"] = [v.decode("utf-8") if isinstance(v, bytes) else v for v in items]
    else:
        entry["kind"] = str(aid.dtype)
        entry["value"] = np.asarray(value).reshape(-1).tolist()
    return entry


def dump(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            node = {"attrs": {k: attribute(obj, k) for k in obj.attrs}}
            if isinstance(obj, h5py.Dataset):
                node["dtype"] = obj.dtype.str
                node["shape"] = list(obj.shape)
                data = obj[()]
                node["values"] = np.asarray(data).reshape(-1).tolist()
            else:
                node["members"] = sorted(obj.keys())
            out[name] = node
        visit("/", f)
        f.visititems(visit)
    return out


if __name__ == "__main__":
    json.dump([dump(path) for path in sys.argv[1:]], sys.stdout)
