FROM fedora:39
RUN dnf install -y httpd python3-devel nginx-1.24.0 && dnf clean all
RUN microdnf module install -y nodejs && microdnf clean all
