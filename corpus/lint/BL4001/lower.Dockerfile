from alpine:3.19
run apk add --no-cache curl
COPY . /app
workdir /app
