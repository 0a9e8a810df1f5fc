FROM debian:12
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y curl
# ballast global ignore=DL3059
