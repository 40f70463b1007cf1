#!/usr/bin/env bash
# Runs the whole test suite: installs Azurite (pinned, from npm, into .tools/), starts it on free loopback ports,
# runs `dotnet test` on the solution, stops Azurite. Exit code is non-zero when any test fails.
#   ./scripts/test.sh                 # everything
#   ./scripts/test.sh --filter Name   # extra arguments go to dotnet test
set -euo pipefail
cd "$(dirname "$0")/.."

AZURITE_VERSION=3.37.0
TOOLS=.tools/azurite
AZURITE="$TOOLS/node_modules/.bin/azurite"

if ! grep -qs "\"version\": \"$AZURITE_VERSION\"" "$TOOLS/node_modules/azurite/package.json"; then
  echo "Installing azurite@$AZURITE_VERSION into $TOOLS ..."
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-save --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null
fi

# A second independent Parquet reader for the tests (see tests/Pipeline.Tests/Support/NodeParquet.cs).
HYPARQUET_VERSION=1.31.5
READERS=.tools/node-readers
if ! grep -qs "\"version\": \"$HYPARQUET_VERSION\"" "$READERS/node_modules/hyparquet/package.json"; then
  echo "Installing hyparquet@$HYPARQUET_VERSION into $READERS ..."
  mkdir -p "$READERS"
  npm install --prefix "$READERS" --no-save --no-audit --no-fund --loglevel=error "hyparquet@$HYPARQUET_VERSION" >/dev/null
fi

# Headless Chromium renders the HTML reports in the tests (Debian package; needs root, as on CI and the dev machines).
# The tests drive it with Playwright for .NET by executable path (tests/Pipeline.Reporting.Tests/Support/Chromium.cs):
# the NuGet package carries Playwright's driver, and no `playwright install` (a browser download) is ever run.
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing chromium ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
BLOB_PORT=$(free_port); QUEUE_PORT=$(free_port); TABLE_PORT=$(free_port)
WORKSPACE=$(mktemp -d)
LOG="$WORKSPACE/azurite.log"

# --skipApiVersionCheck: Azurite 3.37 rejects the API version of the current Azure SDK clients otherwise.
"$AZURITE" --silent --skipApiVersionCheck --location "$WORKSPACE/data" \
  --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
  --tableHost 127.0.0.1 --tablePort "$TABLE_PORT" >"$LOG" 2>&1 &
AZURITE_PID=$!
cleanup() { kill "$AZURITE_PID" 2>/dev/null || true; wait "$AZURITE_PID" 2>/dev/null || true; rm -rf "$WORKSPACE"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  if (echo >"/dev/tcp/127.0.0.1/$BLOB_PORT") 2>/dev/null && (echo >"/dev/tcp/127.0.0.1/$TABLE_PORT") 2>/dev/null; then break; fi
  if ! kill -0 "$AZURITE_PID" 2>/dev/null; then echo "Azurite did not start:"; cat "$LOG"; exit 1; fi
  sleep 0.2
done

KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE_PORT/devstoreaccount1;"
echo "Azurite $AZURITE_VERSION on 127.0.0.1 (blob $BLOB_PORT, queue $QUEUE_PORT, table $TABLE_PORT)"

if ! dotnet build Pipeline.sln -c Release --nologo -v quiet >"$WORKSPACE/build.log" 2>&1; then
  grep -E "error|Error" "$WORKSPACE/build.log" || cat "$WORKSPACE/build.log"
  exit 1
fi
set +e
if [ $# -gt 0 ]; then
  dotnet test Pipeline.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$WORKSPACE/test.log"
  STATUS=${PIPESTATUS[0]}
else
  # Everything but the hostile-input suite, the test projects in parallel; then that suite alone, because it measures
  # each input's peak memory and time (budgets 300 MB, 30 s: docs/hostile-input.md) and a machine shared with other
  # test projects would measure their load instead.
  dotnet test Pipeline.sln -c Release --no-build --nologo --filter "Category!=Hostile" 2>&1 | tee "$WORKSPACE/test.log"
  STATUS=${PIPESTATUS[0]}
  dotnet test tests/Pipeline.Tests -c Release --no-build --nologo --filter "Category=Hostile" 2>&1 | tee -a "$WORKSPACE/test.log"
  HOSTILE=${PIPESTATUS[0]}
  [ "$STATUS" -ne 0 ] || STATUS=$HOSTILE
fi
set -e

# One closing line for CI: the sum over the test projects of dotnet test's "Passed!/Failed!" summaries.
awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ { f += $2; p += $4; s += $6 } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$WORKSPACE/test.log"
exit "$STATUS"
