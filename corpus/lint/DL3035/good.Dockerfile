FROM opensuse/leap:15.5
RUN zypper --non-interactive update && zypper clean
