FROM debian:12
LABEL org.opencontainers.image.version="1.2.3"
