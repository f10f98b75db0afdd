#!/usr/bin/env bash
# --output kinds: a symbolic link is written through (the link stays), a FIFO, a directory or an input file of the
# run is refused with exit 2 before anything is simulated and left as it was, a missing directory is created.
set -uo pipefail
llmsim=$1 config=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; exit 1; }
refused() {  # refused NAME SUBSTRING OUTPUT
  local name=$1 want=$2 out=$3
  "$llmsim" -q -c "$dir/config.yaml" -o "$out" >"$dir/$name.out" 2>&1
  local code=$?
  [ $code -eq 2 ] || fail "$name: exit code $code, expected 2: $(cat "$dir/$name.out")"
  grep -qF -- "$want" "$dir/$name.out" || fail "$name: message lacks '$want': $(cat "$dir/$name.out")"
  echo "ok: $name"
}
cp "$config" "$dir/config.yaml"
sed -i "s#\.\./\.\./#$(cd "$(dirname "$config")/../.." && pwd)/#g" "$dir/config.yaml"  # keep catalog paths valid
before=$(sha256sum "$dir/config.yaml")

mkfifo "$dir/fifo"
refused fifo "is not a regular file" "$dir/fifo"
[ -p "$dir/fifo" ] || fail "fifo: the FIFO was replaced"
mkdir "$dir/a-directory"
refused directory "is a directory" "$dir/a-directory"
refused config_itself "is an input of this run" "$dir/config.yaml"
ln -s config.yaml "$dir/link-to-config"
refused link_to_config "is an input of this run" "$dir/link-to-config"
[ "$(sha256sum "$dir/config.yaml")" = "$before" ] || fail "the config file was changed"

ln -s real.h5 "$dir/link.h5"
"$llmsim" -q -c "$dir/config.yaml" -o "$dir/link.h5" || fail "symlink: the run failed"
[ -L "$dir/link.h5" ] && [ -s "$dir/real.h5" ] || fail "symlink: the link was replaced instead of written through"
/usr/bin/python3 -c "import h5py, sys; f = h5py.File(sys.argv[1]); assert len(f['requests']) > 0" "$dir/real.h5" \
  || fail "symlink: the target is not a result file"
echo "ok: symlink written through"
"$llmsim" -q -c "$dir/config.yaml" -o "$dir/new/sub/dir/x.h5" && [ -s "$dir/new/sub/dir/x.h5" ] || fail "missing directory"
echo "ok: missing directory created"
