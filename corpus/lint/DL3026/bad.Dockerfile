FROM debian:12
FROM registry.example.com/base/debian:12 AS ok
FROM quay.io/org/tool:1.0
COPY --from=ghcr.io/org/tools:1 /bin/tool /usr/local/bin/
