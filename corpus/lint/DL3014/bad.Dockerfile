FROM debian:12-slim
RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10+deb12u5 \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get -q install git=1:2.39.2-1.1
RUN sh -c 'apt-get install vim=2:9.0.1378-2'
