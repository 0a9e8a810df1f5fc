FROM golang:1.22 AS builder-base
RUN go build -o /app .
FROM debian:12-slim
COPY --from=builder-base /app /app
