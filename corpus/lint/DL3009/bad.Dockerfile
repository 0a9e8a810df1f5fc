FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
RUN rm -rf /var/lib/apt/lists/* && apt-get -qq update \
    && apt-get install -y --no-install-recommends git=1:2.39.2-1.1
