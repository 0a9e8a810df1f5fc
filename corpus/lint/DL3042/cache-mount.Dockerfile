# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.0
RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt
