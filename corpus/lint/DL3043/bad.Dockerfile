FROM debian:12
ONBUILD ONBUILD RUN echo hi
ONBUILD FROM alpine:3.19
ONBUILD MAINTAINER Jane <jane@example.com>
