FROM debian:12
ARG VERSION
LABEL org.opencontainers.image.version="1.2.3"
LABEL org.opencontainers.image.version="2.0.0-rc.1+build.5"
LABEL org.opencontainers.image.version=$VERSION
