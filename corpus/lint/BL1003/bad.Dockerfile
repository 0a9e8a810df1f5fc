FROM golang:1.22
WORKDIR /src
COPY . .
RUN go mod download && go build -o /app ./cmd/app
RUN go install github.com/go-delve/delve/cmd/dlv@v1.22.0 && go clean -cache
