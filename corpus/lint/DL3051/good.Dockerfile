FROM debian:12
ARG VENDOR
LABEL org.opencontainers.image.description="a small service" \
      org.opencontainers.image.vendor="$VENDOR" \
      unrelated=""
