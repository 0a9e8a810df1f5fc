FROM golang:1.22 AS build
RUN go build -o /out/app ./...
FROM debian:12
COPY --from=biuld /out/app /usr/local/bin/
COPY --from=later /x /x
COPY --from=5 /y /y
FROM debian:12 AS later
