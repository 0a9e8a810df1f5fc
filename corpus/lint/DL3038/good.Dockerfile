FROM fedora:39
RUN dnf install -y httpd-2.4.58 && dnf clean all
RUN dnf --assumeyes upgrade && dnf clean all
RUN microdnf install httpd-2.4.58 && microdnf clean all
