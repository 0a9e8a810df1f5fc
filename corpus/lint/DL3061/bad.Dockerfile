LABEL org.opencontainers.image.title=app
ENV A=1
FROM debian:12
