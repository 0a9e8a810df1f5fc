ARG VERSION=1.2.3
FROM alpine:3.19 AS base
ARG VERSION
ARG TARGETARCH
ARG CHANNEL
ADD https://example.com/app-${VERSION}.tar.gz /opt/
COPY bin/app-$TARGETARCH /usr/local/bin/app
ENV APP_HOME=/app PATH=$PATH:/app/bin
WORKDIR $APP_HOME
LABEL channel="${CHANNEL:-stable}"
COPY <<'EOF' /entrypoint.sh
#!/bin/sh
exec "$@"
EOF
# Shell-form RUN is expanded by the shell, not by the builder.
RUN echo "$HOME $UNDEFINED_IN_SHELL"

# A stage sees the ARGs and ENV of the stage it is built on.
FROM base
WORKDIR $APP_HOME/$VERSION
