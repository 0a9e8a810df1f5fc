FROM golang:1.22 AS build
RUN go build -o /app .

FROM debian:12-slim
LABEL org.opencontainers.image.source="https://github.com/example/app"
COPY --from=build /app /app
