FROM alpine:3.19
RUN apk add --no-cache curl git=2.43.0-r0 bash
