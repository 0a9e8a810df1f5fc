FROM debian:12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3
RUN echo 'int main(){return 0;}' > m.c && gcc -o /m m.c

FROM debian:12-slim AS base
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5

FROM base
COPY --from=build /m /m
