FROM debian:12 AS fetch
RUN wget -q https://example.com/a.tgz
FROM debian:12
RUN apt-get install -y curl wget
RUN curl -fsSLO https://example.com/b.tgz
