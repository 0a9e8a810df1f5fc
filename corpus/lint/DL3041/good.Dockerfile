FROM fedora:39
RUN dnf install -y httpd-2.4.58-1.fc39 nginx-1:1.24.0 ./x.rpm @development-tools && dnf clean all
RUN dnf module install -y nodejs:18 && dnf clean all
RUN dnf group install -y "Development Tools" && dnf clean all
