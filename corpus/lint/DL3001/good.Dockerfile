FROM debian:12
RUN apt-get install -y procps vim openssh-client
RUN --mount=type=ssh ssh -T git@github.com || true
RUN echo kill ps top
