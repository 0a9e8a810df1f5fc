arg VERSION=3.19
FROM alpine:${VERSION}
RUN apk add --no-cache curl
copy . /app
Workdir /app
CMD ["./run"]
