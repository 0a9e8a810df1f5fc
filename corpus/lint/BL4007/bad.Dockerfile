FROM debian:12
ENV APP_HOME /app
LABEL maintainer "Jane Doe <jane@example.com>"
ENV JAVA_OPTS -Xmx1g -Xms256m
ENV GREETING "hello"
