FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get -qq install git=1:2.39.2-1.1
RUN apt-get install --yes vim=2:9.0.1378-2 && apt-get --assume-yes install less=590-2
RUN apt-get -o APT::Get::Assume-Yes=true install jq=1.6-2.1
RUN yes | apt-get install tree=2.1.0-1
RUN if apt-get install -s "postgresql-16-jit" > /dev/null 2>&1; then echo yes; fi
