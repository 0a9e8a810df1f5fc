FROM fedora:39
RUN dnf install httpd-2.4.58 && dnf clean all
RUN dnf5 upgrade && dnf5 clean all
