# check=experimental=InvalidDefinitionDescription
FROM alpine:3.19 AS base

# This stage builds the app.
FROM base AS build
# The version to install.
ARG VERSION=1.0
