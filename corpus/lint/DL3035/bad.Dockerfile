FROM opensuse/leap:15.5
RUN zypper --non-interactive dist-upgrade && zypper clean
RUN zypper -n dup && zypper clean
