FROM debian:12
LABEL org.opencontainers.image.version="1.0" \
      com.example.team-name="platform" \
      maintainer="ops@example.com"
# A key built from a variable is only known at build time.
ARG PREFIX=com.example
LABEL ${PREFIX}.build="1"
