FROM debian:12 AS build
COPY src.tar.gz /tmp/
RUN tar -xzf /tmp/src.tar.gz -C /src
FROM debian:12
ADD app.tar.gz /opt/
COPY data.tar.gz /tmp/
RUN tar -xzf /tmp/data.tar.gz --strip-components=1 -C /opt/data
COPY release.zip /tmp/
RUN unzip /tmp/release.zip
COPY --from=build /src /src
COPY part.tar /tmp/
RUN tar -xf /tmp/part.tar docs/
