FROM debian:12
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
RUN echo one
RUN --mount=type=cache,target=/root/.cache pip install x
WORKDIR /app
RUN echo two
ONBUILD RUN echo three
ONBUILD RUN echo four
