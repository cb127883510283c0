#!/usr/bin/env bash
# The built-in demo by the general road (docs/results.md, "The demo by the general road"): the
# demo's problems written to files, the task declared in a config, the student served over HTTP by
# `serve --checkpoints`, the equations checker served as the teacher, training through serve's
# OpenAI fine-tuning API. Prints the stage table as JSON, then the built-in demo's of the same seed.
# With `llama-cpp`, every trained model is downloaded as GGUF and generates through llama.cpp.
#   scripts/general-road.sh [demo|quick] [seed] [work dir] [http|llama-cpp] [builtin|no-builtin]
# The SFT twins (controls.sft) are left out of the general road: they do not change SELF's stages.
set -euo pipefail
preset=${1:-demo}
seed=${2:-1}
work=${3:-$(mktemp -d)}
mode=${4:-http}
builtin=${5:-builtin}
download=''
llama=''
if [ "$mode" = llama-cpp ]; then
  download=', "download": "gguf"'
  llama=', "llamaCpp": { "sequences": 4 }'
fi
bin="node $(cd "$(dirname "$0")/.." && pwd)/bin/self-evolve.js"
mkdir -p "$work" && cd "$work"
$bin data gen --preset "$preset" --seed "$seed" --out-dir data --labels --force
$bin model new --preset "$preset" --seed "$seed" --out checkpoints/init --force
$bin serve --checkpoints checkpoints --fine-tuning ft --teacher equations --port 0 --json \
  --max-body-bytes 268435456 > serve.json 2> serve.log &
serve=$!
trap 'kill $serve 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s serve.json ] && break; sleep 0.1; done
url=$(node -e "console.log(JSON.parse(require('fs').readFileSync('serve.json','utf8')).baseURL)")
cat > general.json <<JSON
{
  "task": {
    "name": "equations-declared",
    "answer": { "kind": "regex", "pattern": "answer:\\\\s*(-?\\\\d+)", "flags": "i" },
    "compare": "numeric",
    "verdict": { "pattern": "verdict:\\\\s*(correct|wrong)" },
    "answerFormat": "answer: {answer}"
  },
  "models": {
    "student": { "kind": "openai-compatible", "baseURL": "$url", "model": "init", "nativeEpisodes": true, "concurrency": 64 },
    "teacher": { "kind": "openai-compatible", "baseURL": "$url", "model": "equations-checker", "nativeEpisodes": true, "concurrency": 64 }
  },
  "trainer": { "kind": "openai", "baseURL": "$url", "pollSeconds": 0.5, "episodes": true$download },
  "data": { "trainFile": "data/train.jsonl", "promptsFile": "data/prompts.jsonl", "testFile": "data/test.jsonl" }$llama,
  "controls": { "sft": false }
}
JSON
start=$(date +%s)
$bin run --preset "$preset" --seed "$seed" --config general.json --name general --runs-dir runs --json > general.out
echo "general road: $(( $(date +%s) - start )) s" >&2
kill $serve
cat general.out
if [ "$builtin" = builtin ]; then
  start=$(date +%s)
  $bin run --preset "$preset" --seed "$seed" --name builtin --runs-dir runs --json > builtin.out
  echo "built-in: $(( $(date +%s) - start )) s" >&2
  cat builtin.out
fi
