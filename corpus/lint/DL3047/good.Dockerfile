FROM debian:12
RUN wget --progress=dot:giga https://example.com/tool.tgz
RUN wget -q -O /tmp/x.tgz https://example.com/x.tgz
RUN wget -nv https://example.com/y
RUN wget --no-verbose https://example.com/z
RUN wget -o /tmp/log https://example.com/w
RUN apt-get install -y wget
