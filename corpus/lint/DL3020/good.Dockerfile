FROM debian:12
COPY config.json /etc/app/
ADD https://example.com/tool.tar.gz /tmp/
ADD rootfs.tar.xz /
ADD git@github.com:moby/buildkit.git /src
ADD blob.bin /opt/
