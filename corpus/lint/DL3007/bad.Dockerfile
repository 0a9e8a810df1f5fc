ARG TAG=latest
FROM node:latest
FROM python:${TAG}
