FROM debian:12-slim
RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/01norecommends
RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u5 \
    && rm -rf /var/lib/apt/lists/*
