FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4.0 AS xx
FROM golang:1.22 AS build
# tonistiigi/xx is made to be copied whole.
COPY --from=xx / /
RUN go build -o /out/app .

# A stage on scratch holds only what was copied into it.
FROM scratch AS binaries-linux
COPY --from=build /out/app /
FROM binaries-$TARGETOS AS binaries

FROM debian:12-slim
COPY --from=binaries / /
