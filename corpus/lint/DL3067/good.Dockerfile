FROM debian:12 AS build
RUN echo hi > /hello

FROM scratch
COPY --from=build /hello /
COPY / /context-root/
COPY . /
