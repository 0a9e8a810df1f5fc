FROM registry.example.com/base/debian:12 AS base
FROM base
FROM scratch
FROM mirror.corp.example.org/node:20
ARG IMAGE=debian:12
FROM ${IMAGE}
COPY --from=base /etc/os-release /x
