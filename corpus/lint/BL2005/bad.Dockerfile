FROM golang:1.22 AS build
USER builder
RUN go build -o /out/app .

FROM debian:12-slim
COPY --from=build /out/app /usr/local/bin/app
CMD ["app"]
