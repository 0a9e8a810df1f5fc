FROM golang:1.22 AS src
COPY . /src
FROM golang:1.22 AS build
COPY --from=src /src /src
COPY --from=0 /src /src2
