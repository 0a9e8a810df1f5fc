# syntax=docker/dockerfile:1
FROM node:20-slim
ENV PNPM_HOME=/pnpm
WORKDIR /app
RUN corepack enable
COPY package.json pnpm-lock.yaml ./
RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --frozen-lockfile --prod
RUN --mount=type=cache,target=/root/.cache/x pnpm --store-dir /s add left-pad@1.3.0 && rm -rf /s
