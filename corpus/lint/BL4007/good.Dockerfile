FROM debian:12
ENV APP_HOME=/app \
    JAVA_OPTS="-Xmx1g -Xms256m"
LABEL maintainer="Jane Doe <jane@example.com>"
