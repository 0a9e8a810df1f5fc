FROM debian:12
ARG GIT_SHA
LABEL org.opencontainers.image.revision="4f2a9c1"
LABEL org.opencontainers.image.revision="4f2a9c1e0b7d3a5f6c8e9d0a1b2c3d4e5f6a7b8c"
LABEL org.opencontainers.image.revision="${GIT_SHA}"
