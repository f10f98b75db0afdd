#!/usr/bin/env bash
# Same config + seed twice -> byte-identical HDF5 files; another seed -> different request datasets.
set -euo pipefail
llmsim=$1 config=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir"
"$llmsim" --quiet --config "$config" --seed 7 --output "$dir/a.h5"
"$llmsim" --quiet --config "$config" --seed 7 --output "$dir/b.h5"
"$llmsim" --quiet --config "$config" --seed 8 --output "$dir/c.h5"
cmp "$dir/a.h5" "$dir/b.h5"
/usr/bin/python3 - "$dir" <<'PY'
import sys, h5py
d = sys.argv[1]
with h5py.File(f"{d}/a.h5") as a, h5py.File(f"{d}/b.h5") as b, h5py.File(f"{d}/c.h5") as c:
    for name in ("requests", "batches", "replica_stages", "replicas"):
        assert a[name][()].tobytes() == b[name][()].tobytes(), f"{name} differs between equal seeds"
    assert a["requests"][()].tobytes() != c["requests"][()].tobytes(), "seed 8 gave the same requests as seed 7"
    assert a.attrs["seed"] == 7 and c.attrs["seed"] == 8
print("determinism OK")
PY
