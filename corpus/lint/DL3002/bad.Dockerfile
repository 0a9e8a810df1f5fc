FROM debian:12 AS base
USER app
FROM base
RUN make install
USER 0:0
