# Experimental checks run only when enabled with `# check=experimental=...`.
FROM alpine:3.19 AS base
# The version to install.
ARG VERSION=1.0
