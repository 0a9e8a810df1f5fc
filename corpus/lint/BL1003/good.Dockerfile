FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /app ./cmd/app && go clean -cache -modcache
RUN go mod download && rm -rf /go/pkg/mod
RUN go env GOPATH
