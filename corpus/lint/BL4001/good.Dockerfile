# Global ARGs before the first FROM are not counted.
arg VERSION=3.19
FROM alpine:${VERSION}
RUN apk add --no-cache curl
ONBUILD copy . /app
CMD ["./run"]
