#!/usr/bin/env bash
# The disk bound of a commit (issue #26): the files of a store held in memory (e.g. copied to
# /dev/shm) written to a fresh directory on the disk, then one filesystem sync: the least any
# durable commit of those bytes can cost. Usage: bench/durable_write_bound.sh /dev/shm/STORE DEST
# (DEST must not exist; run `sync` first and nothing else on the filesystem).
set -euo pipefail
src=$1; dst=$2
mkdir -p "$dst"; cd "$src"
find . -type d -exec mkdir -p "$dst/{}" \;
find . -type f | while read -r f; do dd if="$f" of="$dst/$f" bs=4M status=none; done
sync -f "$dst"
