# check=experimental=InvalidDefinitionDescription
FROM alpine:3.19 AS base

# build compiles the app.
FROM base AS build
# VERSION is the version to install.
ARG VERSION=1.0
# Not a description: an empty line separates it.

ARG CHANNEL=stable
