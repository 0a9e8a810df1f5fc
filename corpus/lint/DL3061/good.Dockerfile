# syntax=docker/dockerfile:1
ARG DEBIAN_VERSION=12
# a comment
FROM debian:${DEBIAN_VERSION}
LABEL org.opencontainers.image.title=app
