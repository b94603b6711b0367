# movierec: one bot process (Discord gateway, Slack HTTP or Socket Mode, /healthz and /metrics on $PORT).
# TypeScript runs through tsx (a runtime dependency), so there is no build stage.
FROM node:20-slim

ENV NODE_ENV=production \
    MOVIEREC_HOME=/data \
    PORT=3000

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. tsx is in "dependencies", so
# --omit=dev keeps everything the bot needs at run time and drops the test/lint tooling.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY adapters ./adapters
COPY migrations ./migrations

# The embedded database, downloads and caches live here when DATABASE_URL is not set.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]

USER node
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

# `movierec start` migrates, loads the catalog and model, then starts every configured adapter.
# SIGTERM (docker stop) shuts down gracefully: receivers stop, in-flight writes finish, the pool closes.
CMD ["node", "bin/movierec.js", "start"]
