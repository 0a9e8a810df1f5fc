FROM alpine:3.19
RUN apk add --no-cache curl=8.5.0-r0
RUN apk --no-cache add git=2.43.0-r0
RUN apk add bash=5.2.21-r0 && rm -rf /var/cache/apk/*
RUN apk add --no-network --virtual .rundeps $runDeps
