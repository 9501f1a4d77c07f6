# feedkurator container image (SPEC §8).
#
#   docker build -t feedkurator .
#   docker run -d -p 8080:8080 -v feedkurator-data:/app/data feedkurator
#
# Plain Dockerfile syntax on purpose: the legacy builder (DOCKER_BUILDKIT=0),
# podman and BuildKit all build it the same way, no front-end image to pull.

# ---- deps: production dependencies only, resolved from the lockfile --------
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# No production dependency has an install script, so none are run: a
# compromised package cannot execute code at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# ---- build: full dependency tree, compile TypeScript to dist/, bundle the entries
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Neither the compiler nor the bundler needs an install script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# esbuild's binary comes from its platform package (@esbuild/linux-*), which
# npm installs as an optional dependency without running any script.
RUN npm run build

# ---- runtime ---------------------------------------------------------------
FROM node:24-slim
LABEL org.opencontainers.image.title="feedkurator" \
      org.opencontainers.image.description="Curated German Linux news (kernel, containers, hosting) as one clean RSS/Atom/JSON feed" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production
# JSON logs on stdout even under `docker run -t` (SPEC §8); `-e LOG_FORMAT=pretty` for a person watching.
ENV LOG_FORMAT=json
# glibc's malloc with fixed thresholds: by default it raises its mmap
# threshold after large frees (up to 32 MB), and the buffers of a poll then
# stay in the heap, not given back. Measured on the host (serve over 20,000
# articles, RSS 15 s after the first cycle, alternated): 145 MB without,
# 132 MB with these; a cold poll's CPU did not change measurably
# (BENCHMARKS.md, "Idle memory: glibc's fixed thresholds").
ENV MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app

# Code and default config belong to root and are only readable by the
# service user: a compromised process cannot rewrite the program it runs.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config ./config

# The store directory belongs to node (UID 1000) and to group 0 with group
# write, so an orchestrator that runs the image under an arbitrary UID in
# group 0 (OpenShift) can write it too. Any other UID needs a volume it owns.
RUN mkdir -p /app/data \
 && chown node:0 /app/data \
 && chmod 0775 /app/data

USER node
VOLUME /app/data
EXPOSE 8080

# node itself asks /healthz (no curl or wget in the image). It follows PORT
# and HOST like the daemon does; a wildcard HOST is reached via loopback.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const h=process.env.HOST;const host=!h||h==='0.0.0.0'||h==='::'?'127.0.0.1':h.includes(':')?'['+h+']':h;fetch('http://'+host+':'+(process.env.PORT||8080)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.status===200?0:1),e=>{console.error('healthz: '+(e.cause?.message||e.message));process.exit(1)})"]

# Exec form: node runs as PID 1 (the base image's entrypoint execs it) and
# receives SIGTERM itself; the daemon stops cleanly within the default 10 s.
CMD ["node", "dist/cli.js", "serve"]
