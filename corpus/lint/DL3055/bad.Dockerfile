FROM debian:12
LABEL org.opencontainers.image.revision="main"
LABEL org.opencontainers.image.revision="4F2A9C1"
LABEL org.opencontainers.image.revision="4f2a9c1e"
