FROM alpine:3.19 AS
COPY app.py
USER --uid=1 app
SHELL /bin/bash -c
HEALTHCHECK --interval=abc CMD true
EXPOSE
