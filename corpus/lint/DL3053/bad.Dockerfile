FROM debian:12
LABEL org.opencontainers.image.created="2024-05-01 12:30:00"
LABEL org.opencontainers.image.created="2023-02-29T10:00:00Z"
LABEL org.opencontainers.image.created="yesterday"
