FROM golang:1.22-bookworm
RUN go build -o /app .
CMD ["/app"]
