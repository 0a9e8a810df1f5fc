FROM debian:12-slim AS build
RUN rm -f /etc/apt/apt.conf.d/docker-clean
RUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3 \
    && rm -rf /var/lib/apt/lists/* && echo built > /out

FROM debian:12-slim
COPY --from=build /out /out
