FROM debian:12
USER root
RUN apt-get update && apt-get install -y sudo
USER app
