FROM debian:12-slim AS build
RUN curl -o /tmp/src.tar.gz https://example.com/src.tar.gz
RUN rm /tmp/src.tar.gz

FROM debian:12-slim
COPY --from=build /opt /opt
