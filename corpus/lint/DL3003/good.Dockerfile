FROM debian:12
WORKDIR /usr/src/app
RUN (cd docs && make html)
RUN echo "$(cd /tmp && pwd)"
RUN echo cd /tmp
RUN cd /usr/src/app && make && cd / && rm -rf /usr/src/app
RUN cd "node-v$V" && make && cd .. && rm -Rf "node-v$V"
RUN --mount=type=cache,target=/installTmp cd /installTmp/sub && ./install.sh
RUN cd /tmp && wget -q https://example.com/x
