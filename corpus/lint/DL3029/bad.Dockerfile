FROM --platform=linux/amd64 debian:12
FROM --platform=linux/arm64 golang:1.22 AS build
