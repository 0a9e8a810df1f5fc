FROM debian:12-slim AS build
RUN apt-get update && apt-get install -y build-essential=12.9 \
    && rm -rf /var/lib/apt/lists/*
RUN echo hi > /out

FROM debian:12-slim
COPY --from=build /out /out
