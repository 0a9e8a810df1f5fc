FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go mod download && go build -o /app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build /app /app
