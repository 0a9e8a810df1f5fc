ARG NODE=20
FROM golang:1.22 AS build
RUN go build -o /app .

FROM node:${NODE}-bookworm AS web
RUN npm ci

FROM eclipse-temurin:21-jdk-jammy
COPY --from=build /app /app
COPY --from=web /dist /dist
