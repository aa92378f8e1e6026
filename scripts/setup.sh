#!/usr/bin/env bash
# Create .venv and install the project with its training and test extras.
# torch is installed first and separately, so that you choose the build: set TORCH_SPEC
# (e.g. TORCH_SPEC="torch --index-url https://download.pytorch.org/whl/cu124") for a CUDA
# build; the default takes the CPU wheel this project's machines keep on disk.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
if ! python -c "import torch" 2>/dev/null; then
  # shellcheck disable=SC2086
  python -m pip install -q ${TORCH_SPEC:-torch==2.13.0}
fi
python -m pip install -q -e ".[test]"
