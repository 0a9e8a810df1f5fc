FROM debian:12
RUN wget https://example.com/tool.tgz
RUN wget -O /tmp/x.tgz https://example.com/x.tgz
