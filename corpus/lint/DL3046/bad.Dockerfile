FROM debian:12
RUN useradd -u 1000000 app
RUN groupadd -g 100000 g && useradd --uid=100000 -g g svc
