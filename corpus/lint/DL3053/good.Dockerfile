FROM debian:12
ARG BUILD_DATE
LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
LABEL org.opencontainers.image.created="2024-02-29T12:30:00.123+02:00"
LABEL org.opencontainers.image.created=$BUILD_DATE
