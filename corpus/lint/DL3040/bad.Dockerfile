FROM fedora:39
RUN dnf install -y httpd-2.4.58
RUN microdnf install -y nginx-1.24.0 && echo done
