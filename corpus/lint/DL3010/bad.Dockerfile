FROM debian:12
COPY app.tar.gz /tmp/
RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
COPY ["tools.tar", "/tmp/"]
RUN cd /opt && tar xf /tmp/tools.tar
