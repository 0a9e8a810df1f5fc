FROM golang:1.22 AS build-go
FROM node:20 AS build-web
FROM build-go
