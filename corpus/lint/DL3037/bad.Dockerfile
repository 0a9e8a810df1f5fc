FROM opensuse/leap:15.5
RUN zypper -n install httpd curl=8.0.1 && zypper clean
