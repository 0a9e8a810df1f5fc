FROM debian:12
RUN wget -qO- https://example.com/a | tar -xz
RUN wget -Oq https://example.com/b
RUN wget --output-document=-q https://example.com/c
RUN wget -cO /tmp/d https://example.com/d
RUN wget -a /tmp/log https://example.com/e
RUN wget --quiet=on https://example.com/f
RUN wget -- -q https://example.com/g
