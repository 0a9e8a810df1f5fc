FROM golang:1.22 AS build
COPY --from=build /src /src
FROM debian:12
COPY --from=1 /x /x
