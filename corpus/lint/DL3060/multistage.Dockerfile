FROM node:20-slim AS build
RUN yarn install --frozen-lockfile && yarn build

FROM nginx:1.25-alpine
COPY --from=build /app/dist /usr/share/nginx/html
