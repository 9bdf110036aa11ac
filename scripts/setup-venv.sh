#!/usr/bin/env bash
# Builds (or reuses) the heavy Python 3.12 environment in CACHE/venv-<hash> and a light environment LINK
# in the clone that points at it through a .pth file and holds only this clone's editable install. Clones
# share the heavy part and never see each other's code. The hash covers requirements.txt (torch, llama.cpp,
# FalkorDB: the slow part), the interpreter version and llama.cpp's build flags, so a change to any builds anew; the dev tools of
# requirements-dev.txt are a layer on top, installed again (in a minute) whenever that file changes.
set -euo pipefail
cache=$1
link=$2

find_python() {
  local candidate
  for candidate in "${ROLEGRAPH_PYTHON:-}" python3.12; do
    [[ -n "$candidate" ]] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
      command -v "$candidate"; return
    fi
  done
  # pyenv installs 3.12 without putting it on PATH unless selected
  for candidate in "$HOME"/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do
    if [[ -x "$candidate" ]]; then echo "$candidate"; return; fi
  done
  echo "setup: Python 3.12 not found — install it (e.g. 'pyenv install 3.12') or set ROLEGRAPH_PYTHON" >&2
  exit 1
}

# llama.cpp is compiled for a baseline that x86-64 machines of the last decade share (AVX2, FMA, F16C), not
# for the building machine (-march=native): the cached environment may run on another CPU, and a native
# build on a CPU with AMX (Xeon Sapphire Rapids and later) died in ggml's AMX matmul (`ldtilecfg`, a general
# protection fault) on the first completion inside this project's VMs. Part of the environment's key.
llama_cmake="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"

python=$(find_python)
version=$("$python" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))')
key=$(cat requirements.txt <(echo "$version") <(echo "$llama_cmake") | sha256sum | cut -c1-16)
dev_key=$(sha256sum < requirements-dev.txt | cut -c1-16)
venv="$cache/venv-$key"

# One build at a time per cache: a second clone setting up meanwhile waits, then reuses the result.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [[ ! -f "$venv/.complete" ]]; then
  echo "setup: building the environment in $venv (first time only: torch, llama.cpp and FalkorDB take a while)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  # llama.cpp first, compiled with the flags above (no cached wheel: pip's cache does not know them)
  CMAKE_ARGS="$llama_cmake" "$venv/bin/python" -m pip install --progress-bar off --no-cache-dir \
    "$(grep -E '^llama-cpp-python' requirements.txt)"
  "$venv/bin/python" -m pip install --progress-bar off -r requirements.txt
  touch "$venv/.complete"
fi
if [[ ! -f "$venv/.dev-$dev_key" ]]; then
  echo "setup: installing the dev tools of requirements-dev.txt into $venv"
  "$venv/bin/python" -m pip install --progress-bar off --quiet -r requirements-dev.txt
  touch "$venv/.dev-$dev_key"
fi

site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
if [[ -L "$link" || ! -x "$link/bin/python" || "$(cat "$link/.deps" 2>/dev/null)" != "$venv" ]]; then
  rm -rf "$link"
  "$python" -m venv --without-pip "$link"
  local_site=$("$link/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$site" > "$local_site/_rolegraph_deps.pth"
  echo "$venv" > "$link/.deps"
fi
# This clone's code, installed editable into the light environment (seconds, no dependencies), unless
# it is there already. The check runs outside the clone so the working directory does not count.
here=$(pwd -P)
if ! (cd / && "$here/$link/bin/python" -c 'import pathlib, sys, rolegraph; sys.exit(pathlib.Path(rolegraph.__file__).resolve().parents[1] != pathlib.Path(sys.argv[1]))' "$here") 2>/dev/null; then
  "$venv/bin/python" -m pip --python "$link/bin/python" install --quiet --no-deps --no-build-isolation -e . 2>&1 \
    | grep -v -E "BuildBackendWarning|Editable installation|^\s*(!!|\*+|Please be careful|name as your package|with strategy)|^\s*$" || true
fi
