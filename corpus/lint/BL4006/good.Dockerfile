ARG BASE=debian:12
ARG TAG=3.19
ARG REGISTRY=docker.io
FROM $BASE AS base
FROM alpine:${TAG}
FROM ${REGISTRY}/library/alpine:3.19
FROM ${BASE_OVERRIDE:-base}
