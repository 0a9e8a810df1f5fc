FROM debian:12
LABEL org.opencontainers.image.licenses="Apache License 2.0"
LABEL org.opencontainers.image.licenses="MIT OR"
LABEL org.opencontainers.image.licenses="GPL-2.0-only WITH Made-Up-Exception"
