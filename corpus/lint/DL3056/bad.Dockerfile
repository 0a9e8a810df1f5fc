FROM debian:12
LABEL org.opencontainers.image.version="v1.2.3"
LABEL org.opencontainers.image.version="1.2"
LABEL org.opencontainers.image.version="01.2.3"
