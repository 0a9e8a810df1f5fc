FROM debian:12-slim
RUN wget -O /tmp/tool.tar.gz https://example.com/tool.tar.gz
RUN curl -fsSL -o /tmp/installer.sh https://example.com/installer.sh
RUN tar -xzf /tmp/tool.tar.gz -C /opt && sh /tmp/installer.sh
RUN rm /tmp/tool.tar.gz && rm -rf /tmp/*
COPY dist.tar.gz /src/dist.tar.gz
COPY build/ /build/
WORKDIR /work
COPY assets.zip ./
RUN rm -rf /src /build assets.zip
