# The rolegraph image: the package, its environment and MovieLens-100K, with `rolegraph` as entrypoint.
FROM python:3.12-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake git \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-dev.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN pip install --no-cache-dir --no-deps -e . \
 && scripts/fetch-movielens.sh /tmp/rolegraph-cache 1.2.1 data/ml-100k \
 && rm -rf /tmp/rolegraph-cache

ENTRYPOINT ["rolegraph"]
CMD ["--help"]
