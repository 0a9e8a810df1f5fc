FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \
      ca-certificates=20230311 git \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get -y -o Dpkg::Options::=--force-confold install nginx
