#!/bin/sh
# Fails when a C++ source in the repository is not formatted per .clang-format.
# Fix with: tests/lint/check_format.sh --fix
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
files=$(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.h' '*.cc' | grep -v '^tests/.*/corpus/' || true)
[ -n "$files" ] || { echo "check_format: no sources"; exit 0; }
if [ "${1:-}" = "--fix" ]; then
    echo "$files" | xargs clang-format -i
    exit 0
fi
bad=$(echo "$files" | xargs clang-format --dry-run 2>&1 | grep -o '^[^:]*:[0-9]*:[0-9]*: warning' | cut -d: -f1 | sort -u || true)
if [ -n "$bad" ]; then
    echo "check_format: not formatted per .clang-format (run tests/lint/check_format.sh --fix):"
    echo "$bad" | sed 's/^/  /'
    exit 1
fi
echo "check_format: $(echo "$files" | wc -l) files formatted"
