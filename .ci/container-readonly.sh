#!/usr/bin/env bash
# Second container check (issue 7), run by .ci/run after the shared one:
# the image as an operator hardens it. Read-only root filesystem, tmpfs /tmp,
# the store on a volume, a mounted config whose only source is a fixture feed
# served on 127.0.0.1 (host network, nothing else is contacted). Checks that
# the first cycle stores every fixture article in the volume, that /feed.xml
# carries the on-topic ones, that the image works under a UID that owns the
# volume and under an arbitrary UID in group 0 (OpenShift), that a second
# container reads the first one's store, and that SIGTERM stops it cleanly,
# idle and in the middle of a slow poll.
#
# usage: .ci/container-readonly.sh        (root; reuses a running engine or
#        the shared check's /tmp/container-check, starts dockerd otherwise)
# env:   CONTAINER_WORK (default /tmp/container-check), SHARED_TOOLS
# Prints "N passed, N failed"; exit 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
APP=$(pwd)
SHARED_TOOLS=${SHARED_TOOLS:-$APP/../shared/tools/container}
WORK=${CONTAINER_WORK:-/tmp/container-check}
IMG="feedkurator-ro-check:$$"; CTR="feedkurator-ro-$$"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/feedkurator-ro.XXXXXX")
chmod 0755 "$TMP"
export DOCKER_BUILDKIT=0   # the legacy builder: the Dockerfile must not need BuildKit
PASS=0 FAIL=0 DOCKERD_PID="" FIXTURE_PID=""
ok()   { PASS=$((PASS+1)); echo "ok   - $*"; }
bad()  { FAIL=$((FAIL+1)); echo "FAIL - $*"; }
step() { echo "## $* ($(date +%T))"; }
now()  { date +%s.%N; }
dt()   { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; exit $?; }

cleanup() {
  docker rm -f "$CTR-1" "$CTR-2" "$CTR-3" "$CTR-4" "$CTR-5" >/dev/null 2>&1
  docker rmi -f "$IMG" >/dev/null 2>&1
  [ -n "$FIXTURE_PID" ] && kill "$FIXTURE_PID" 2>/dev/null
  if [ -n "$DOCKERD_PID" ]; then
    kill -TERM "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.25; done
    umount "$WORK/docker-exec/netns/default" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# ------------------------------------------------------------------ engine
step "engine"
if [ -z "${DOCKER_HOST:-}" ] && docker info >/dev/null 2>&1; then
  echo "   using the running docker engine"
else
  export DOCKER_HOST=${DOCKER_HOST:-unix://$WORK/docker.sock}
  if docker info >/dev/null 2>&1; then
    echo "   using the engine at $DOCKER_HOST"
  else
    # Same data root as the shared check: its base image and layer cache are reused.
    mkdir -p "$WORK"
    dockerd --data-root "$WORK/docker-data" --exec-root "$WORK/docker-exec" \
            -H "$DOCKER_HOST" --pidfile "$WORK/dockerd.pid" \
            --iptables=false --ip6tables=false --bridge=none >"$WORK/dockerd-readonly.log" 2>&1 &
    DOCKERD_PID=$!
    for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.25; done
    docker info >/dev/null 2>&1 || { tail -20 "$WORK/dockerd-readonly.log"; bad "dockerd starts"; finish; }
    echo "   dockerd started (pid $DOCKERD_PID)"
  fi
fi
for ref in $(awk 'toupper($1)=="FROM"{print $2}' Dockerfile | sort -u); do
  docker image inspect "$ref" >/dev/null 2>&1 && continue
  major=$(echo "${ref#node:}" | grep -oE '^[0-9]+' || echo 24)
  tar="$WORK/base/node$major-slim-rootfs.tar"
  if [ ! -s "$tar" ]; then
    "$SHARED_TOOLS/make-node-base.sh" "$major" "$WORK/base" >"$TMP/base.log" 2>&1 \
      || { tail -20 "$TMP/base.log"; bad "make base image $ref"; finish; }
  fi
  "$SHARED_TOOLS/import-node-base.sh" "$tar" "$ref" docker >/dev/null || { bad "import base image $ref"; finish; }
  echo "   imported $ref"
done

# ------------------------------------------------------------------ build
step "build"
t=$(now)
if docker build --force-rm --network host -t "$IMG" . >"$TMP/build.log" 2>&1; then
  ok "image builds in $(dt "$t")s ($(docker image inspect "$IMG" --format '{{.Size}}' | awk '{printf "%d MB", $1/1e6}'))"
else
  tail -30 "$TMP/build.log"; bad "image builds"; finish
fi

# ------------------------------------------------------------------ fixtures
step "fixture feed and config"
cat >"$TMP/fixture-server.mjs" <<'EOF'
// On 127.0.0.1: /feed.xml with two on-topic articles (the seed stories) and one
// off-topic; /slow.xml whose body trickles in over 8 s, to stop a container mid-poll.
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
const items = [
  ['akamai-kernel-org', 'Akamai hostet kernel.org: Linux bekommt kommerzielles Rückgrat',
   'Akamai stellt künftig die Infrastruktur für kernel.org und übernimmt das Hosting der zentralen Plattform für die Entwicklung des Linux-Kernels.'],
  ['linuxcon-containercon-2016', 'Linuxcon und Containercon Europe 2016: Container Love',
   'Auf der Linuxcon traf das Linux-Magazin Kernelentwickler Greg Kroah-Hartman; auf der Containercon ging es um Container in schlanken VMs.'],
  ['libreoffice-tabellen', 'LibreOffice bekommt neue Tabellenfunktionen',
   'Die Office-Suite verbessert die Tabellenkalkulation, den PDF-Export und die Rechtschreibprüfung.'],
];
let requests = 0;
const server = createServer((req, res) => {
  requests += 1;
  const base = `http://127.0.0.1:${server.address().port}`;
  if (req.url === '/slow.xml') {
    writeFileSync(process.argv[3], new Date().toISOString());
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
    res.write(`<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Langsam</title><link>${base}/</link><description>Trickle</description>\n`);
    let ms = 0;
    const timer = setInterval(() => {
      ms += 250;
      if (ms < 8000) { res.write(`<!-- ${ms} -->\n`); return; }
      clearInterval(timer);
      res.end(`<item><title>Linux 6.18: Torvalds gibt neuen Kernel frei</title><link>${base}/artikel/linux-6-18</link><guid>slow-linux-6-18</guid></item></channel></rss>\n`);
    }, 250);
    res.on('close', () => clearInterval(timer));
    return;
  }
  if (req.url !== '/feed.xml') { res.writeHead(404).end(); return; }
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Fixture-Nachrichten</title><link>${base}/</link><description>Testfeed</description>
${items.map(([slug, title, text], i) => `<item><title>${title}</title><link>${base}/artikel/${slug}</link>
<guid isPermaLink="false">fixture-${slug}</guid><pubDate>${new Date(Date.UTC(2026, 10, 20, 12 - i)).toUTCString()}</pubDate>
<description>${text}</description></item>`).join('\n')}
</channel></rss>`;
  res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(body);
});
server.listen(0, '127.0.0.1', () => writeFileSync(process.argv[2], String(server.address().port)));
process.on('SIGTERM', () => { console.log(`fixture server: ${requests} requests`); process.exit(0); });
EOF
node "$TMP/fixture-server.mjs" "$TMP/fixture.port" "$TMP/slow.requested" >"$TMP/fixture.log" 2>&1 &
FIXTURE_PID=$!
for _ in $(seq 1 50); do [ -s "$TMP/fixture.port" ] && break; sleep 0.1; done
FIXPORT=$(cat "$TMP/fixture.port" 2>/dev/null) || { bad "fixture server starts"; finish; }
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

# The shipped config with its topic rules, but only fixture feeds as sources:
# config/ the quick feed, config-slow/ the quick and the trickling one.
write_config() {
  mkdir -p "$1"
  node -e '
    const YAML = require("yaml"); const fs = require("fs");
    const [, file, out, fixPort, port, slow] = process.argv;
    const doc = YAML.parse(fs.readFileSync(file, "utf8"));
    doc.sources = [{ name: "Fixture-Nachrichten", url: `http://127.0.0.1:${fixPort}/feed.xml` }];
    if (slow === "slow") doc.sources.push({ name: "Langsam", url: `http://127.0.0.1:${fixPort}/slow.xml` });
    doc.server = { ...doc.server, baseUrl: `http://127.0.0.1:${port}` };
    fs.writeFileSync(out, YAML.stringify(doc));
  ' config/feedkurator.yaml "$1/feedkurator.yaml" "$FIXPORT" "$PORT" "${2:-}" && chmod -R a+rX "$1"
}
write_config "$TMP/config" && write_config "$TMP/config-slow" slow || { bad "write test config"; finish; }
echo "   fixture on 127.0.0.1:$FIXPORT, daemon on 127.0.0.1:$PORT"

# ------------------------------------------------------------------ helpers
URL="http://127.0.0.1:$PORT"
# start NAME ARGS...: run the image hardened, on the fixture config
start() {
  local name=$1; shift
  docker run -d --name "$name" --network host --read-only --tmpfs /tmp \
    -v "${CONFIG_DIR:-$TMP/config}:/app/config:ro" -e PORT="$PORT" -e LOG_LEVEL=debug "$@" "$IMG" >/dev/null 2>"$TMP/run.err" \
    || { cat "$TMP/run.err"; return 1; }
}
# wait_cycle NAME: until /healthz reports a finished cycle; leaves the body in $TMP/healthz.json
wait_cycle() {
  local name=$1 t; t=$(now)
  for _ in $(seq 1 150); do
    if curl -s -o "$TMP/healthz.json" "$URL/healthz" 2>/dev/null \
       && node -e 'const h = JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); process.exit(h.lastCycle && Date.parse(h.lastCycle.startedAt) >= Date.parse(h.startedAt) ? 0 : 1)' "$TMP/healthz.json" 2>/dev/null; then
      echo "   first cycle finished after $(dt "$t")s"; return 0
    fi
    [ "$(docker inspect "$name" --format '{{.State.Running}}' 2>/dev/null)" = true ] || break
    sleep 0.2
  done
  docker logs "$name" 2>&1 | tail -15 | sed 's/^/   log: /'
  return 1
}
# check_store FILE: every fixture article stored exactly once
check_store() {
  node -e '
    const fs = require("fs"), path = require("path");
    const dir = path.dirname(process.argv[1]);
    const s = { articles: require(process.argv[2])(process.argv[1]) };
    const titles = s.articles.map((a) => a.title);
    const want = ["Akamai hostet kernel.org", "Linuxcon und Containercon", "LibreOffice bekommt"];
    const missing = want.filter((w) => titles.filter((t) => t.includes(w)).length !== 1);
    if (missing.length || titles.length !== 3) {
      console.error(`store holds ${titles.length} articles ${JSON.stringify(titles)}; not exactly once: ${missing.join(", ")}`);
      process.exit(1);
    }' "$1" "$PWD/.ci/read-store.cjs"
}
# stop_clean NAME: docker stop as the engine does it (SIGTERM, 10 s grace); exit code 0
stop_clean() {
  local name=$1 t took ec; t=$(now)
  docker stop -t 10 "$name" >/dev/null 2>&1
  took=$(dt "$t"); ec=$(docker inspect "$name" --format '{{.State.ExitCode}}')
  [ "$ec" = 0 ] && awk -v a="$took" 'BEGIN{exit !(a<10)}' \
    && ok "$name: SIGTERM stop in ${took}s, exit code 0" \
    || { bad "$name: stop took ${took}s, exit code $ec"; docker logs "$name" 2>&1 | tail -5 | sed 's/^/   log: /'; }
}

# ------------------------------------------------------------------ 1. read-only, image user, bind-mounted volume
step "read-only root, volume owned by the image user"
mkdir -p "$TMP/data1" && chown 1000:1000 "$TMP/data1"
C="$CTR-1"
if start "$C" -v "$TMP/data1:/app/data" && wait_cycle "$C"; then
  node -e '
    const h = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const c = h.lastCycle;
    if (c.ok !== 1 || c.failed !== 0) { console.error(JSON.stringify(c)); process.exit(1); }' "$TMP/healthz.json" \
    && ok "/healthz: first cycle polled the fixture (ok 1, failed 0)" || bad "/healthz after the first cycle: $(head -c 400 "$TMP/healthz.json")"
  store="$TMP/data1/feedkurator.json"
  if [ -s "$store" ]; then
    ok "store file written to the volume ($(stat -c '%s bytes, uid %u, mode %a' "$store"))"
    check_store "$store" && ok "store holds all three fixture articles, each once" || bad "store content"
  else
    bad "no store file in the volume: $(ls -la "$TMP/data1")"
  fi
  curl -s -o "$TMP/feed.xml" -w '%{http_code}' "$URL/feed.xml" >"$TMP/code"
  if [ "$(cat "$TMP/code")" = 200 ] && grep -q 'Akamai hostet kernel.org' "$TMP/feed.xml" \
     && grep -q 'Linuxcon und Containercon' "$TMP/feed.xml" && ! grep -q 'LibreOffice' "$TMP/feed.xml"; then
    ok "/feed.xml carries the two on-topic articles and not the off-topic one"
  else
    bad "/feed.xml (HTTP $(cat "$TMP/code")): $(head -c 600 "$TMP/feed.xml")"
  fi
  # The image's own HEALTHCHECK command, run as the engine would, must follow PORT.
  mapfile -t hc < <(docker image inspect "$IMG" --format '{{range .Config.Healthcheck.Test}}{{println .}}{{end}}')
  [ "${hc[0]:-}" = CMD-SHELL ] && hc=(CMD sh -c "${hc[1]}")
  [ "${hc[0]:-}" = CMD ] && [ "${#hc[@]}" -gt 1 ] && docker exec "$C" "${hc[@]:1}" >/dev/null 2>"$TMP/hc.err" \
    && ok "HEALTHCHECK command passes with PORT=$PORT on a read-only root" \
    || bad "HEALTHCHECK command: $(cat "$TMP/hc.err")"
  uid=$(docker exec "$C" id -u)
  if [ "$uid" != 0 ] && ! docker exec "$C" sh -c 'touch /app/probe' 2>/dev/null \
     && docker exec "$C" sh -c 'touch /tmp/probe' 2>/dev/null; then
    ok "runs as uid $uid; root filesystem read-only, /tmp writable"
  else
    bad "uid $uid / read-only root not in effect"
  fi
  stop_clean "$C"
  check_store "$store" 2>/dev/null && ok "store still parses after the stop" || bad "store after the stop"
  # feedkurator.json.bak (the last good copy) stays; an unfinished write or the writer lock must not.
  leftovers=$(find "$TMP/data1" -mindepth 1 \( -name '*.tmp' -o -name '*.lock' \))
  [ -z "$leftovers" ] && ok "no temp or lock file left in the volume ($(ls -A "$TMP/data1" | tr '\n' ' '))" || bad "left in the volume: $leftovers"
  docker logs "$C" >"$TMP/logs.out" 2>"$TMP/logs.err"
  if [ -s "$TMP/logs.out" ] && node -e '
      const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
      const bad = lines.filter((l) => { try { return typeof JSON.parse(l).level === "undefined"; } catch { return true; } });
      if (bad.length) { console.error(bad.slice(0, 3).join("\n")); process.exit(1); }' "$TMP/logs.out"; then
    ok "stdout is JSON log lines only ($(wc -l <"$TMP/logs.out") lines, $(wc -l <"$TMP/logs.err") on stderr)"
  else
    bad "stdout holds lines that are not JSON logs"
  fi
else
  bad "container with a read-only root did not finish a cycle"
fi

# ------------------------------------------------------------------ 2. the same volume in a new container
step "a new container reads the store from the volume"
C="$CTR-2"
if start "$C" -v "$TMP/data1:/app/data" && wait_cycle "$C"; then
  node -e '
    const h = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (h.store.articles !== 3 || h.lastCycle.new !== 0) { console.error(JSON.stringify({ store: h.store, lastCycle: h.lastCycle })); process.exit(1); }' "$TMP/healthz.json" \
    && ok "restart keeps the 3 stored articles and finds nothing new" || bad "after restart: $(head -c 400 "$TMP/healthz.json")"
  stop_clean "$C"
else
  bad "second container on the same volume did not finish a cycle"
fi

# ------------------------------------------------------------------ 3. any UID that owns the volume
step "arbitrary UID owning the volume"
mkdir -p "$TMP/data3" && chown 54321:54321 "$TMP/data3"
C="$CTR-3"
if start "$C" --user 54321:54321 -v "$TMP/data3:/app/data" && wait_cycle "$C"; then
  [ "$(stat -c %u "$TMP/data3/feedkurator.json" 2>/dev/null)" = 54321 ] && check_store "$TMP/data3/feedkurator.json" \
    && ok "uid 54321 writes the store to its own volume" || bad "uid 54321: $(ls -ln "$TMP/data3")"
  stop_clean "$C"
else
  bad "container as uid 54321 did not finish a cycle"
fi

# ------------------------------------------------------------------ 4. OpenShift: arbitrary UID in group 0, the image's own volume
step "arbitrary UID in group 0 on the image's anonymous volume"
C="$CTR-4"
if start "$C" --user 1000570000:0 && wait_cycle "$C"; then
  rm -rf "$TMP/store4" && docker cp "$C:/app/data" "$TMP/store4" >/dev/null 2>&1 && check_store "$TMP/store4/feedkurator.json" \
    && ok "uid 1000570000 (group 0) writes the store to /app/data" || bad "uid 1000570000 in group 0 could not write the store"
  stop_clean "$C"
else
  bad "container as uid 1000570000:0 did not finish a cycle"
fi
docker rm -v "$CTR-4" >/dev/null 2>&1   # with its anonymous volume

# ------------------------------------------------------------------ 5. docker stop mid-poll
step "docker stop in the middle of a slow poll"
mkdir -p "$TMP/data5" && chown 1000:1000 "$TMP/data5"
C="$CTR-5"
rm -f "$TMP/slow.requested"
if CONFIG_DIR="$TMP/config-slow" start "$C" -v "$TMP/data5:/app/data"; then
  for _ in $(seq 1 150); do [ -e "$TMP/slow.requested" ] && break; sleep 0.1; done
  if [ -e "$TMP/slow.requested" ]; then
    sleep 1   # the quick source is fetched and merged meanwhile; the slow one has 7 s to go
    stop_clean "$C"
    # Abandoned (or, if the daemon waited, merged whole): the quick articles are kept either way.
    node -e '
      const fs = require("fs"), path = require("path");
      const dir = path.dirname(process.argv[1]);
      const s = { articles: require(process.argv[2])(process.argv[1]) };
      const titles = s.articles.map((a) => a.title);
      const quick = ["Akamai hostet kernel.org", "Linuxcon und Containercon", "LibreOffice bekommt"];
      const ok = quick.every((q) => titles.filter((t) => t.includes(q)).length === 1)
        && titles.filter((t) => t.includes("Linux 6.18")).length <= 1;
      if (!ok) { console.error(JSON.stringify(titles)); process.exit(1); }' "$TMP/data5/feedkurator.json" "$PWD/.ci/read-store.cjs" 2>"$TMP/store5.err" \
      && ok "store after a mid-poll stop parses and keeps the finished source's articles" \
      || bad "store after a mid-poll stop: $(cat "$TMP/store5.err")"
  else
    bad "the slow feed was never requested"; docker logs "$C" 2>&1 | tail -5 | sed 's/^/   log: /'
  fi
else
  bad "container with the slow source did not start"
fi

finish
