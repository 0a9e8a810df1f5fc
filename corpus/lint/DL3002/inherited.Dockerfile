FROM debian:12 AS base
USER root
FROM base
RUN make
