#!/usr/bin/env bash
# The Terraform is formatted as HCL's own formatter formats it: hclfmt, built offline from Debian's HCL sources
# (golang-github-hashicorp-hcl-v2-dev) into the build folder, run with -require-no-change on every .tf file.
#
#   tests/deploy/hclfmt_check.sh <repository root> <build folder>
set -euo pipefail
root="$1"
out="$2/hclfmt"
if [ ! -x "$out/hclfmt" ]; then
  mkdir -p "$out"
  GOPATH=/usr/share/gocode GO111MODULE=off GOCACHE="$out/cache" GOFLAGS= \
    go build -o "$out/hclfmt" github.com/hashicorp/hcl/v2/cmd/hclfmt
fi
status=0
for file in "$root"/deploy/terraform/*.tf; do
  "$out/hclfmt" -require-no-change "$file" >"$out/formatted.tf" 2>"$out/error.txt" || {
    echo "hclfmt: $(cat "$out/error.txt")"
    diff -u "$file" "$out/formatted.tf" || true
    status=1
  }
done
[ $status -eq 0 ] && echo "hclfmt: $(ls "$root"/deploy/terraform/*.tf | wc -l) files formatted"
exit $status
