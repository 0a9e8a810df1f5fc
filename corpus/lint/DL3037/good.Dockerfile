FROM opensuse/leap:15.5
RUN zypper -n install httpd=2.4.51 "curl>=8" /tmp/x.rpm && zypper clean
RUN zypper -n install -t pattern devel_basis=20170319 && zypper clean
