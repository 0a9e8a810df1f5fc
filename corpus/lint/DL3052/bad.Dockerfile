FROM debian:12
LABEL org.opencontainers.image.source="github.com/example/app" \
      org.opencontainers.image.documentation="https://example.com/docs and more"
