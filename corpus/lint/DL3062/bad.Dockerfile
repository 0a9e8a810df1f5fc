FROM golang:1.22 AS build
RUN go install github.com/go-delve/delve/cmd/dlv
RUN go install -v golang.org/x/tools/gopls@latest
RUN go install google.golang.org/protobuf/cmd/protoc-gen-go \
    google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.3.0 \
    github.com/bufbuild/buf/cmd/buf
FROM scratch
COPY --from=build /go/bin/dlv /dlv
