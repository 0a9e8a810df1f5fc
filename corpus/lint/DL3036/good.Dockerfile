FROM opensuse/leap:15.5
RUN zypper --non-interactive install httpd=2.4.51 && zypper clean --all
RUN zypper -n in curl=8.0.1 && zypper cc && zypper -n in git=2.43.0 && rm -rf /var/cache/zypp/*
