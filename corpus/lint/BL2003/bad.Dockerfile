FROM debian:12-slim
ADD https://example.com/tool-1.2.tar.gz /tmp/
ADD --chown=app:app http://example.com/config.json /etc/app/
