FROM node:20-slim AS build
WORKDIR /app
COPY . .
RUN corepack enable && pnpm install && pnpm run build

FROM nginx:1.25-alpine
COPY --from=build /app/dist /usr/share/nginx/html
