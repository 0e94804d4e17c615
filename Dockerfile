# Cloud Run image: build with the dev toolchain, run with production dependencies only, as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
# prepare (tsc) needs the sources: install without scripts, then build explicitly.
RUN npm ci --ignore-scripts
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY sql ./sql
# Each check's runbook: the alerts' Next step lines and the Details modal read them at run time.
COPY docs/runbooks ./docs/runbooks
COPY data ./data
USER node
EXPOSE 8080
ENV PORT=8080
CMD ["node", "bin/shotclock.js", "start"]
