FROM debian:12
RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
RUN wget -q https://example.com/b.tgz && wget -q https://example.com/c.tgz
RUN curl -fsSL https://example.com/d
