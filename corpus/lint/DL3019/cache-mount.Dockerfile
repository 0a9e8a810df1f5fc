# syntax=docker/dockerfile:1
FROM alpine:3.19
RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.5.0-r0
RUN --mount=type=cache,target=/etc/apk/cache apk add git=2.43.0-r0
