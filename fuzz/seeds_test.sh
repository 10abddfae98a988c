#!/usr/bin/env bash
# fuzz/seeds_test.sh — //fuzz:<family>_seeds_test: the checked-in seeds are what
# family_gen_seeds makes of today's corpus, and each decodes to the ops it came from.
#   seeds_test.sh FAMILY_GEN_SEEDS FAMILY SEED_DIR CORPUS_DIR
set -euo pipefail
exec "$1" "$2" --check "$3" "$4"
