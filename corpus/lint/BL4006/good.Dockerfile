ARG BASE=debian:12
ARG TAG=3.19
ARG REGISTRY=docker.io
ARG DIG=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
ARG LOCAL=[::1]:5000
FROM $BASE AS base
FROM alpine:${TAG}
FROM ${REGISTRY}/library/alpine:3.19
FROM ${BASE_OVERRIDE:-base}
FROM alpine:3.19@${DIG}
FROM ${LOCAL}/team/app__x:1.0
