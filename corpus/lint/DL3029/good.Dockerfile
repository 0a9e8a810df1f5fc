FROM --platform=$BUILDPLATFORM golang:1.22 AS build
FROM --platform=${TARGETPLATFORM} debian:12 AS target
FROM --platform=linux/arm64 debian:12 AS base-arm64
FROM --platform=linux/amd64 debian:12 AS base_amd64
FROM debian:12
