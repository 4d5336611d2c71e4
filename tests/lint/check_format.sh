#!/bin/sh
# Fails when a C++ source in the repository is not formatted per .clang-format.
# Fix with: tests/lint/check_format.sh --fix   (`make lint` adds clang-tidy: lint.py -p)
exec python3 "$(dirname "$0")/lint.py" "$@"
