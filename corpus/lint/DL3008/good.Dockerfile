FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
      ca-certificates=20230311 ./local.deb nginx/bookworm-backports "$EXTRA" \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get install -y -t bookworm-backports
RUN apt-get -y -o Dpkg::Options::=--force-confold install vim=2:9.0.1378-2
