FROM debian:12
# hadolint is a linter; this comment mentions ignore but is no pragma
RUN apt-get update
