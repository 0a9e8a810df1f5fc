ARG VERSION=1.2.3
FROM alpine:3.19
# A global ARG must be redeclared inside the stage.
ADD https://example.com/app-${VERSION}.tar.gz /opt/
# Predefined platform ARGs too.
COPY bin/app-$TARGETARCH /usr/local/bin/app
ENV APP_HOME=/app
WORKDIR $APP_HOM
ENV A=1 B=$A
# An unquoted heredoc delimiter makes the builder expand the body.
COPY <<EOF /entrypoint.sh
#!/bin/sh
exec "$@"
EOF
LABEL built-by="$BUILDER"
ARG BUILDER=ci
