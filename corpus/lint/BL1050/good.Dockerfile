FROM debian:12-slim
RUN wget -O /tmp/tool.tar.gz https://example.com/tool.tar.gz \
 && tar -xzf /tmp/tool.tar.gz -C /opt \
 && rm /tmp/tool.tar.gz
RUN rm -rf /var/lib/apt/lists/*
COPY app.conf /etc/app/
RUN rm /etc/app/default.conf

FROM debian:12-slim AS other
RUN rm /tmp/tool.tar.gz
