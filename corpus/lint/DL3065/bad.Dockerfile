FROM --platform=$TARGETPLATFORM alpine:3.19 AS base
FROM --platform=${TARGETPLATFORM} base
