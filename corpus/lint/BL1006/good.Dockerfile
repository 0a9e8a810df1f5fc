FROM node:20-slim
WORKDIR /app
RUN corepack enable
COPY package.json pnpm-lock.yaml ./
RUN pnpm install --frozen-lockfile --prod && rm -rf /root/.local/share/pnpm/store
RUN pnpm run build
RUN pnpm store prune --help
