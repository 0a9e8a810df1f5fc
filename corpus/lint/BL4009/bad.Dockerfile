FROM golang:1.22 AS BuilderBase
RUN go build -o /app .
FROM debian:12-slim
COPY --from=builderbase /app /app
