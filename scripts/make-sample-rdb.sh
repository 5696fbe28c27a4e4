#!/usr/bin/env bash
# Writes assets/sample.rdb: a small dump made by a real redis-server (Debian's package) with
# every type and several encodings, the file `dcskit analyze` reads when given no input.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$REPO/assets/sample.rdb}"
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }
DIR="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --save '' --appendonly no --daemonize no \
  --logfile "$DIR/redis.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
cli() { redis-cli -p "$PORT" "$@" >/dev/null; }
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
{
  for i in $(seq 1 40); do echo "SET user:$i:name name-$i"; echo "SET user:$i:visits $((i * 17))"; done
  echo "SET session:big $(printf 'x%.0s' $(seq 1 3000))"
  echo "SET counter 42"
  echo "EXPIRE session:big 86400"
  for i in $(seq 1 30); do echo "HSET user:$i:profile email u$i@example.com city c$((i % 5)) age $((20 + i))"; done
  echo "HSET config:big $(for j in $(seq 1 600); do printf 'field%d value%d ' "$j" "$j"; done)"
  for i in $(seq 1 10); do echo "RPUSH queue:jobs job-$i-$(printf 'p%.0s' $(seq 1 20))"; done
  echo "RPUSH queue:log $(for j in $(seq 1 2000); do printf 'entry-%d ' "$j"; done)"
  echo "SADD tags:ids 1 2 3 4 5 100 1000 65536"
  echo "SADD tags:names red green blue"
  echo "SADD tags:many $(for j in $(seq 1 700); do printf 'member-%d ' "$j"; done)"
  echo "ZADD rank:small 1 alice 2 bob 3 carol"
  echo "ZADD rank:big $(for j in $(seq 1 300); do printf '%d player-%d ' "$j" "$j"; done)"
  echo "XADD events:stream * type login user 1"
  echo "XADD events:stream * type logout user 1"
  echo "XGROUP CREATE events:stream workers 0"
  echo "EXPIRE queue:jobs 3600"
  echo "SELECT 1"
  echo "SET db1:greeting hello"
  echo "SELECT 0"
} | redis-cli -p "$PORT" >/dev/null
cli XREADGROUP GROUP workers w1 COUNT 1 STREAMS events:stream '>'
cli SAVE
cp "$DIR/dump.rdb" "$OUT"
echo "wrote $OUT ($(wc -c < "$OUT") bytes)"
