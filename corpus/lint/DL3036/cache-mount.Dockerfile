# syntax=docker/dockerfile:1
FROM opensuse/leap:15.5
RUN --mount=type=cache,target=/var/cache/zypp zypper -n install httpd=2.4.51
