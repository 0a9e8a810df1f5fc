FROM alpine:3.19
RUN apk add --no-cache \
    # comments may separate continued lines
    curl \
    jq

COPY <<EOF /etc/motd
hello

world
EOF
