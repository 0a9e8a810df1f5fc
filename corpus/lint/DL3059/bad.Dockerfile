FROM debian:12
RUN apt-get update
RUN apt-get install -y curl

RUN echo one && echo two
# a comment between
RUN echo three
