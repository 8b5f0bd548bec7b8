# syntax=docker/dockerfile:1
# kubeharden in one image: the CLI (`scan`, `rbac`, ...), the admission webhook (`webhook serve`)
# and the audit CronJob. Runtime: distroless Node.js 20 — no shell, no package manager; numeric
# non-root user; everything under /app is read-only data, so the root filesystem can be mounted
# read-only (the webhook Deployment and the Helm chart do).
#
#   docker build -t ghcr.io/OWNER/kubeharden:v0.1.0 . && docker push ghcr.io/OWNER/kubeharden:v0.1.0
#   docker run --rm --read-only -v "$PWD:/work:ro" ghcr.io/OWNER/kubeharden:v0.1.0 scan /work
#
# Bases are pinned by digest (docs/ecosystem.md says how to refresh them).
ARG BUILD_IMAGE=node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot@sha256:2cd820156cf039c8b54ae2d2a97e424b6729070714de8707a6b79f20d56f6a9a

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle.mjs scripts/launcher.cjs ./scripts/
COPY src ./src
COPY examples ./examples
RUN npm run build

FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="kubeharden" \
      org.opencontainers.image.description="Zero-trust hardening for Kubernetes: scan, Pod Security Standards, RBAC, admission webhook" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /src/package.json /app/package.json
COPY --from=build /src/dist /app/dist
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/cli/main.js"]
CMD ["--help"]
