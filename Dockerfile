# Invo Dispatch: one image for every process (web, worker, realtime, release).
# Build: docker build -t invo-dispatch .   Run: see docker-compose.yml and docs/operations.md.

# 1. deps: every dependency, for the TypeScript build.
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# 2. build: compile to dist/ (ESM JavaScript; migrations land in dist/db/migrations) and the
#    dispatcher console to console/dist (static files the web process serves at /console/).
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY api ./api
COPY bin ./bin
COPY db ./db
COPY lib ./lib
COPY workers ./workers
COPY console ./console
RUN npm run build

# 3. prod-deps: runtime dependencies only.
FROM node:20-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

# 4. runtime: compiled code, production dependencies, an unprivileged user.
FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/console/dist ./console/dist
COPY --chown=root:root package.json ./
# The code is owned by root and only readable by the process, which runs as `node` (uid 1000).
USER node
EXPOSE 3000 3001 9101
# Every process answers GET /healthz: the web on PORT, realtime on REALTIME_PORT, the worker on
# WORKER_METRICS_PORT. HEALTHCHECK_PORT says which (docker-compose.yml sets it per service).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTHCHECK_PORT||process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node runs as PID 1 and gets SIGTERM itself (no npm or shell in between): graceful shutdown.
CMD ["node", "dist/bin/web.js"]
