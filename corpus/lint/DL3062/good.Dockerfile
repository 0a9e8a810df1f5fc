FROM golang:1.22 AS build
RUN go install github.com/go-delve/delve/cmd/dlv@v1.22.0
RUN go install ./... && go install . && go install std
RUN go install tool github.com/planetscale/vtprotobuf/cmd/protoc-gen-go-vtproto
RUN go install ./cmd/app golang.org/x/tools/cmd/stringer
FROM scratch
COPY --from=build /go/bin/dlv /dlv
