ARG BASE
ARG TAG
FROM $BASE
FROM alpine:${TAG}
FROM ${REGISTRY:-Docker.io}/Library/alpine
