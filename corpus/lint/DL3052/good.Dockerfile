FROM debian:12
ARG SOURCE_URL
LABEL org.opencontainers.image.source="https://github.com/example/app" \
      org.opencontainers.image.documentation="https://example.com/docs?page=1#top"
LABEL org.opencontainers.image.source=$SOURCE_URL
