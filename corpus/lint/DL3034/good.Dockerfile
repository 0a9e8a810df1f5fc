FROM opensuse/leap:15.5
RUN zypper --non-interactive install httpd=2.4.51 && zypper clean
RUN zypper -n rm vim && zypper install -y curl=8.0.1 && zypper in --no-confirm git=2.43.0 \
    && zypper clean --all
RUN zypper refresh
