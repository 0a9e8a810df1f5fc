# The build stage is only copied from, so its labels do not matter.
FROM golang:1.22 AS build
RUN go build -o /app .

FROM debian:12-slim AS base
LABEL maintainer="ops@example.com"

# Labels are inherited from the stage an image is built FROM.
FROM base
LABEL org.opencontainers.image.source="https://github.com/example/app"
COPY --from=build /app /app
