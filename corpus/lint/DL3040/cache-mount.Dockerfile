# syntax=docker/dockerfile:1
FROM fedora:39
RUN --mount=type=cache,target=/var/cache/dnf dnf install -y httpd-2.4.58
RUN --mount=type=cache,target=/var/cache/yum microdnf install -y nginx-1.24.0
