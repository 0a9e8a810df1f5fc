FROM debian:12
ONBUILD RUN echo hi
ONBUILD LABEL org.opencontainers.image.authors="Jane <jane@example.com>"
