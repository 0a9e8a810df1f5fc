ARG VERSION=3.19
ARG REGISTRY
FROM --platform=$BUILDPLATFORM alpine:$VERSION AS build
FROM ${REGISTRY:-docker.io}/library/debian:12
FROM --platform=$TARGETPLATFORM build
