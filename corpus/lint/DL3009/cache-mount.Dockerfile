# syntax=docker/dockerfile:1
FROM debian:12-slim
RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    --mount=type=cache,target=/var/cache/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
RUN --mount=type=tmpfs,target=/var/lib/apt \
    apt-get update && apt-get install -y --no-install-recommends git=1:2.39.2-1.1
