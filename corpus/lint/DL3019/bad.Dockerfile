FROM alpine:3.19
RUN apk update && apk add curl=8.5.0-r0
RUN apk --update add git=2.43.0-r0
