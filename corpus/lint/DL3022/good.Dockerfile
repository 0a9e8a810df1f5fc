FROM golang:1.22 AS build
RUN go build -o /out/app ./...
FROM debian:12
COPY --from=build /out/app /usr/local/bin/
COPY --from=BUILD /out/app /usr/local/bin/app2
COPY --from=0 /out/app /usr/local/bin/app3
COPY --from=nginx:1.25 /etc/nginx/nginx.conf /etc/nginx/
COPY --from=ghcr.io/org/tools /bin/tool /usr/local/bin/
COPY --from=${TOOLS_IMAGE} /bin/x /x
