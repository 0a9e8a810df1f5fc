FROM fedora:39
RUN dnf install -y httpd-2.4.58 && dnf clean all
RUN microdnf install -y nginx-1.24.0 && microdnf clean all
RUN dnf install -y git-2.43.0 && rm -rf /var/cache/dnf
