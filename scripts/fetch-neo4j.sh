#!/usr/bin/env bash
# Fetches the embedded Neo4j Community database (org.neo4j:neo4j, version pinned in tools/neo4j/pom.xml) and
# its runtime dependencies from Maven Central into CACHE/neo4j-<version>/lib, and compiles our launcher
# (tools/neo4j/Launcher.java) into CACHE/neo4j-<version>/launcher. `rolegraph neo4j start` runs them; nothing
# is fetched at run time. Idempotent: a second run checks two marker files and returns.
set -euo pipefail
cache=$1
here=$(cd "$(dirname "$0")/.." && pwd)
pom="$here/tools/neo4j/pom.xml"
source="$here/tools/neo4j/Launcher.java"
version=$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$pom")
coords="org.neo4j:neo4j:$version"
dest="$cache/neo4j-$version"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "setup: no '$1' on PATH — Neo4j $version needs $2" >&2; exit 1; }
}

# One fetch at a time per cache: a second clone setting up meanwhile waits, then reuses the result.
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9

if [[ ! -f "$dest/lib/.complete" ]]; then
  need java "a Java 17 runtime (e.g. apt-get install openjdk-17-jdk-headless)"
  need mvn "Maven to fetch $coords from Maven Central (e.g. apt-get install maven)"
  echo "setup: fetching $coords and its dependencies from Maven Central into $dest/lib (first time only)"
  rm -rf "$dest/lib" "$dest/lib.tmp"
  log="$dest/fetch.log"
  if ! mvn -B -q -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DoutputDirectory="$dest/lib.tmp" >"$log" 2>&1; then
    echo "setup: Maven could not fetch $coords (runtime dependencies, maven-dependency-plugin 3.8.1) from" \
      "Maven Central — the missing coordinates are in $log:" >&2
    grep -E "Could not|Missing|not found|Failed" "$log" | head -n 5 >&2 || tail -n 5 "$log" >&2
    exit 1
  fi
  touch "$dest/lib.tmp/.complete"
  mv "$dest/lib.tmp" "$dest/lib"
fi

# The compiled launcher is keyed by its source, so an edited Launcher.java is compiled again.
key=$(sha256sum <"$source" | cut -c1-16)
if [[ "$(cat "$dest/launcher/.source" 2>/dev/null || true)" != "$key" ]]; then
  need javac "a JDK 17 to compile tools/neo4j/Launcher.java (e.g. apt-get install openjdk-17-jdk-headless)"
  rm -rf "$dest/launcher.tmp" "$dest/launcher"
  mkdir -p "$dest/launcher.tmp"
  javac --release 17 -nowarn -d "$dest/launcher.tmp" -cp "$dest/lib/*" "$source"
  echo "$key" >"$dest/launcher.tmp/.source"
  mv "$dest/launcher.tmp" "$dest/launcher"
  echo "setup: Neo4j $version launcher compiled into $dest/launcher"
fi
echo "setup: Neo4j $version ready in $dest ($(find "$dest/lib" -name '*.jar' | wc -l) jars); rolegraph neo4j start runs it"
