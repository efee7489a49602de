#!/usr/bin/env bash
# Installs this build into a temporary prefix, builds examples/plugin out of
# tree with find_package(concur), and checks it with the installed concur.
set -euo pipefail
build_dir=$1 source_dir=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" >"$work/install.log"

"$work/prefix/bin/concur" list >"$work/list.txt"
grep -q "sequential" "$work/list.txt" || { echo "installed concur does not list its plugins"; cat "$work/list.txt"; exit 1; }

cmake -S "$source_dir/examples/plugin" -B "$work/example" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log"
cmake --build "$work/example" >"$work/build.log"
"$work/prefix/bin/concur" check-plugin "$work/example/waves.so"
# The installed concur also runs it from a plugin folder.
"$work/prefix/bin/concur" run "$source_dir/configs/loiter.yaml" --plugin-dir "$work/example" \
  --strategy waves --set unit=10ms --out "$work/waves.json" >"$work/run.log"
grep -q '"name": "loiter/waves/workers:3' "$work/waves.json"
rm -rf "$work"
echo "installed package: example plugin built out of tree and checked"
