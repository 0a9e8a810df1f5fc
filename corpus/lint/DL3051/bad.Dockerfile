FROM debian:12
LABEL org.opencontainers.image.description="" \
      org.opencontainers.image.vendor=
