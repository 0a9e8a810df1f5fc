FROM debian:12 AS build
RUN echo hi > /hello

FROM debian:12-slim
COPY --from=build / /
COPY --from=build "/" "/"
