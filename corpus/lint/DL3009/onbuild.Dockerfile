FROM debian:12-slim AS template
ONBUILD RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5

FROM debian:12-slim
RUN echo done
